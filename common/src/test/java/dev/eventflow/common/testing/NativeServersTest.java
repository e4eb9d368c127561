package dev.eventflow.common.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A missing server binary fails the tests with the package to install, never a silent skip. */
class NativeServersTest {

    @Test
    void aMissingBinaryNamesTheDebianPackageToInstall() {
        assertThatThrownBy(
                        () ->
                                NativeServers.binary(
                                        "eventflow-no-such-server",
                                        "eventflow-no-such-package",
                                        List.of(Paths.get("/nonexistent/bin/server"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("eventflow-no-such-server not found")
                .hasMessageContaining("apt-get install -y eventflow-no-such-package")
                .hasMessageContaining(".ci/install-services");
    }
}
