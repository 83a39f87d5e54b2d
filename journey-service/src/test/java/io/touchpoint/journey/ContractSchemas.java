package io.touchpoint.journey;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** The JSON Schemas of deploy/contracts, with format assertions (uuid, date-time) switched on. */
final class ContractSchemas {

    static final Path CONTRACTS = Path.of("..", "deploy", "contracts");

    private ContractSchemas() {
    }

    static JsonSchema schema(String file) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = Files.newInputStream(CONTRACTS.resolve(file))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<ValidationMessage> validate(String file, String json) {
        try {
            return schema(file).validate(TestTouchpoints.JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
