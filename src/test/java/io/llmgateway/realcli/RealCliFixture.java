package io.llmgateway.realcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every real-CLI test class shares: one {@link FakeModelApi} and one temp root per class, a skip
 * (not a failure) when the CLIs are not installed, and a final check that no process started under the
 * root is still alive.
 */
abstract class RealCliFixture {
    @TempDir
    static Path root;

    static FakeModelApi api;

    @BeforeAll
    static void startApi() throws IOException {
        api = FakeModelApi.start();
    }

    @AfterAll
    static void stopApiAndCheckNothingSurvived() {
        api.close();
        assertEquals(List.of(), CliProcess.survivorsUnder(root), "a CLI or gateway process outlived its test");
    }

    /** A fresh offline environment for {@code cli}, or a skipped test when it is not installed. */
    static RealCliEnvironment environment(RealCli cli) {
        assumeTrue(cli.binary().isPresent(), cli.notInstalled());
        return RealCliEnvironment.create(cli, root, api);
    }
}
