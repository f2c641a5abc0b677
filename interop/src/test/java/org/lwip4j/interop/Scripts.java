package org.lwip4j.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The Python helpers under {@code src/test/resources}, copied to files {@code python3} can run. */
final class Scripts {
    private Scripts() {
    }

    /** Copies the script {@code name} into {@code dir} and returns its path. */
    static Path copy(Path dir, String name) {
        Path target = dir.resolve(name);
        try (InputStream in = Scripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no script " + name + " next to " + Scripts.class.getName());
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
