package io.touchpoint.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the repository the checks read. */
final class OpsFiles {

    static final Path ROOT = Path.of(System.getProperty("touchpoint.root", "../..")).toAbsolutePath().normalize();

    private OpsFiles() {
    }

    static Path deploy(String relative) {
        return ROOT.resolve("deploy").resolve(relative);
    }

    static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
