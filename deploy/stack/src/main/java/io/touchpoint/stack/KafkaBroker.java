package io.touchpoint.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a single-node KRaft broker in this JVM: formats the log directory on first start, then
 * hands over to {@code kafka.Kafka}. Started by {@link LocalStack} as a child process; when the
 * parent goes away (standard input closes) the broker shuts down cleanly instead of lingering.
 */
public final class KafkaBroker {

    private KafkaBroker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: KafkaBroker <server.properties> <log-dir> <cluster-id>");
            System.exit(2);
        }
        String properties = args[0];
        Path logDir = Path.of(args[1]);
        String clusterId = args[2];

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            int rc = kafka.tools.StorageTool.execute(
                    new String[] { "format", "-t", clusterId, "-c", properties, "--ignore-formatted" }, System.out);
            if (rc != 0) {
                System.err.println("kafka storage format failed with exit code " + rc);
                System.exit(rc);
            }
        }
        exitWhenStdinCloses();
        kafka.Kafka.main(new String[] { properties });
    }

    /** Our parent holds the other end of stdin: EOF means it died or asked us to stop. */
    static void exitWhenStdinCloses() {
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() != -1) {
                    // nothing is ever sent; we only wait for end of stream
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as EOF
            }
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
