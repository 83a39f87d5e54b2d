package io.touchpoint.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;

/**
 * deploy/k8s parsed into the fabric8 Kubernetes model (typed Deployments, Services, ConfigMaps, HPAs; Strimzi
 * topics as generic resources) and checked for what an operator relies on: probes on the Quarkus health
 * endpoints, Services that reach their pods, secrets only by reference, HPAs whose maximum fits the partitions.
 */
class KubernetesManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SERVICES = Set.of("ingest-service", "journey-service", "metrics-service");
    /** Topics each autoscaled Deployment consumes (docs/CONVENTIONS.md consumer groups). */
    private static final Map<String, List<String>> CONSUMES = Map.of(
            "journey-service", List.of("touchpoints.v1"),
            "metrics-service", List.of("journey.transitions.v1", "touchpoints.v1"));

    private static final List<HasMetadata> resources = new ArrayList<>();

    @BeforeAll
    static void parse() throws Exception {
        JsonNode kustomization = YAML.readTree(OpsFiles.deploy("k8s/kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        kustomization.get("resources").forEach(r -> listed.add(r.asText()));
        List<String> files = OpsFiles.list(OpsFiles.deploy("k8s"), ".yaml").stream().map(p -> p.getFileName().toString())
                .filter(f -> !f.equals("kustomization.yaml")).toList();
        assertEquals(Set.copyOf(files), Set.copyOf(listed), "kustomization.yaml lists every manifest");
        for (String file : listed) {
            Path path = OpsFiles.deploy("k8s/" + file);
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(path.toFile())) {
                for (JsonNode doc : docs.readAll()) {
                    if (doc == null || doc.isEmpty()) {
                        continue;
                    }
                    // KubernetesResource's deserializer picks the model class by apiVersion and kind
                    KubernetesResource parsed = YAML.treeToValue(doc, KubernetesResource.class);
                    assertTrue(parsed instanceof HasMetadata, file + ": not a Kubernetes object: " + doc);
                    HasMetadata resource = (HasMetadata) parsed;
                    assertNotNull(resource.getMetadata().getName(), file + ": unnamed " + resource.getKind());
                    resources.add(resource);
                }
            }
        }
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static Map<String, Integer> topicPartitions() {
        Map<String, Integer> partitions = new HashMap<>();
        for (GenericKubernetesResource topic : all(GenericKubernetesResource.class)) {
            if ("KafkaTopic".equals(topic.getKind())) {
                partitions.put(topic.getMetadata().getName(), ((Number) ((Map<?, ?>) topic.getAdditionalProperties()
                        .get("spec")).get("partitions")).intValue());
            }
        }
        return partitions;
    }

    @Test
    void everyServiceIsADeploymentProbedOnQuarkusHealth() {
        List<Deployment> deployments = all(Deployment.class);
        assertEquals(SERVICES, deployments.stream().map(d -> d.getMetadata().getName()).collect(Collectors.toSet()));
        for (Deployment d : deployments) {
            String name = d.getMetadata().getName();
            assertEquals(d.getSpec().getSelector().getMatchLabels(),
                    filter(d.getSpec().getTemplate().getMetadata().getLabels(), d.getSpec().getSelector().getMatchLabels()),
                    name + ": the selector matches the pod template");
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertProbe(name, c, c.getReadinessProbe().getHttpGet(), "/q/health/ready");
            assertProbe(name, c, c.getLivenessProbe().getHttpGet(), "/q/health/live");
            assertNotNull(c.getResources().getRequests().get("cpu"), name + ": a CPU request (the HPA measures against it)");
            assertNotNull(c.getResources().getLimits().get("memory"), name + ": a memory limit");
            assertTrue(c.getImage().startsWith("touchpoint/" + name + ":"), name + ": the Jib image " + c.getImage());
        }
    }

    private static Map<String, String> filter(Map<String, String> labels, Map<String, String> keys) {
        return labels.entrySet().stream().filter(e -> keys.containsKey(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static void assertProbe(String name, Container c, HTTPGetAction get, String path) {
        assertNotNull(get, name + ": HTTP probe on " + path);
        assertEquals(path, get.getPath(), name);
        assertTrue(portOf(c, get.getPort()) > 0, name + ": probe port " + get.getPort() + " is a container port");
    }

    private static int portOf(Container c, IntOrString port) {
        return c.getPorts().stream()
                .filter(p -> port.getIntVal() != null ? port.getIntVal().equals(p.getContainerPort())
                        : port.getStrVal().equals(p.getName()))
                .mapToInt(p -> p.getContainerPort()).findFirst().orElse(-1);
    }

    @Test
    void servicesReachTheirPods() {
        Map<String, Deployment> deployments = all(Deployment.class).stream()
                .collect(Collectors.toMap(d -> d.getMetadata().getName(), d -> d));
        assertEquals(SERVICES, all(Service.class).stream().map(s -> s.getMetadata().getName()).collect(Collectors.toSet()));
        for (Service s : all(Service.class)) {
            Deployment d = deployments.get(s.getMetadata().getName());
            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertTrue(podLabels.entrySet().containsAll(s.getSpec().getSelector().entrySet()),
                    s.getMetadata().getName() + ": selector " + s.getSpec().getSelector() + " matches pods " + podLabels);
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            for (ServicePort p : s.getSpec().getPorts()) {
                assertTrue(portOf(c, p.getTargetPort()) > 0, s.getMetadata().getName() + ": targetPort " + p.getTargetPort());
            }
        }
    }

    @Test
    void secretsAreReferencedNeverCommitted() {
        assertTrue(resources.stream().noneMatch(r -> "Secret".equals(r.getKind())), "no Secret object in deploy/k8s");
        Set<String> configMaps = all(ConfigMap.class).stream().map(m -> m.getMetadata().getName()).collect(Collectors.toSet());
        for (Deployment d : all(Deployment.class)) {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            c.getEnvFrom().forEach(from -> assertTrue(configMaps.contains(from.getConfigMapRef().getName()),
                    d.getMetadata().getName() + ": ConfigMap " + from.getConfigMapRef().getName() + " exists"));
            for (EnvVar env : c.getEnv()) {
                boolean secretName = env.getName().matches(".*(PASSWORD|TOKEN|WRITE_KEY|SECRET).*");
                if (secretName) {
                    assertTrue(env.getValue() == null && env.getValueFrom() != null
                            && env.getValueFrom().getSecretKeyRef() != null,
                            d.getMetadata().getName() + ": " + env.getName() + " comes from a Secret by reference");
                }
            }
        }
        for (ConfigMap m : all(ConfigMap.class)) {
            m.getData().keySet().forEach(k -> assertFalse(k.matches(".*(PASSWORD|TOKEN|WRITE_KEY|SECRET).*"),
                    "secret-looking key " + k + " in ConfigMap " + m.getMetadata().getName()));
        }
    }

    @Test
    void autoscaledConsumersNeverOutnumberTheirPartitions() {
        Map<String, Integer> partitions = topicPartitions();
        List<HorizontalPodAutoscaler> hpas = all(HorizontalPodAutoscaler.class);
        assertEquals(CONSUMES.keySet(), hpas.stream().map(h -> h.getSpec().getScaleTargetRef().getName())
                .collect(Collectors.toSet()), "HPAs for journey-service and metrics-service");
        for (HorizontalPodAutoscaler hpa : hpas) {
            String target = hpa.getSpec().getScaleTargetRef().getName();
            assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
            assertTrue(hpa.getSpec().getMinReplicas() >= 2, target + ": at least two instances (one may restart)");
            for (String topic : CONSUMES.get(target)) {
                assertNotNull(partitions.get(topic), "KafkaTopic " + topic + " is defined");
                assertTrue(hpa.getSpec().getMaxReplicas() <= partitions.get(topic), target + ": maxReplicas "
                        + hpa.getSpec().getMaxReplicas() + " > " + partitions.get(topic) + " partitions of " + topic
                        + " (extra instances would sit idle)");
            }
        }
    }
}
