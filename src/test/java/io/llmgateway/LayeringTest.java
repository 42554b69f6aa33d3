package io.llmgateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The dependency order of the packages, top to bottom, as docs/ARCHITECTURE.md's table lists them: a package may
 * use only the packages below it. Peers that must not know each other (job and provider) are ordered too.
 */
@AnalyzeClasses(packages = "io.llmgateway", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
    /** Top to bottom. */
    static final List<String> ORDER = List.of(
            "io.llmgateway", // Main: the command line
            "io.llmgateway.command",
            "io.llmgateway.http",
            "io.llmgateway.server",
            "io.llmgateway.transport",
            "io.llmgateway.tools",
            "io.llmgateway.ops",
            "io.llmgateway.contract",
            "io.llmgateway.provider",
            "io.llmgateway.job",
            "io.llmgateway.policy",
            "io.llmgateway.model",
            "io.llmgateway.workspace",
            "io.llmgateway.provider.cli",
            "io.llmgateway.recorder",
            "io.llmgateway.provider.api",
            "io.llmgateway.job.supervisor",
            "io.llmgateway.store",
            "io.llmgateway.session",
            "io.llmgateway.grant",
            "io.llmgateway.redact",
            "io.llmgateway.config",
            "io.llmgateway.exec",
            "io.llmgateway.files",
            "io.llmgateway.core");

    private static final String[] LIBRARIES = {"java..", "javax..", "org.slf4j..", "com.fasterxml.jackson.."};

    @ArchTest
    static final ArchRule packagesUseOnlyThePackagesBelowThem = layering();

    @ArchTest
    static final ArchRule everyPackageHasAPlaceInTheOrder = classes()
            .should()
            .resideInAnyPackage(ORDER.toArray(String[]::new))
            .because("a new package gets its place in LayeringTest.ORDER and in ARCHITECTURE.md's table");

    @ArchTest
    static final ArchRule onlyTheMcpAdaptersUseTheMcpSdk = noClasses()
            .that()
            .resideOutsideOfPackages(
                    "io.llmgateway.tools", "io.llmgateway.transport", "io.llmgateway.http", "io.llmgateway.server")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.modelcontextprotocol..", "reactor..")
            .because(
                    "services know nothing about MCP: tools map records to MCP shapes, transports (stdio, http) carry them");

    @ArchTest
    static final ArchRule onlyExecStartsProcesses = noClasses()
            .that()
            .resideOutsideOfPackage("io.llmgateway.exec")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName(ProcessBuilder.class.getName())
            .because(
                    "exec.ProcessExecutor is the one way to run a process (explicit environment, limits, whole-tree stop)");

    @ArchTest
    static final ArchRule onlyFilesLocksFiles = noClasses()
            .that()
            .resideOutsideOfPackage("io.llmgateway.files")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName(java.nio.channels.FileLock.class.getName())
            .because(
                    "files.FileMutex is the one way to lock a file (one wait limit, the holder named, interrupts held)");

    @ArchTest
    static final ArchRule theSupervisorJvmNeedsOnlyTheJdkAndSlf4j = classes()
            .that()
            .resideInAPackage("io.llmgateway.job.supervisor")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "org.slf4j..",
                    "io.llmgateway.job.supervisor",
                    "io.llmgateway.exec",
                    "io.llmgateway.files")
            .because("the job supervisor runs in its own small JVM: no Jackson, no MCP, no services");

    @ArchTest
    static final ArchRule whatTheSupervisorUsesNeedsOnlyTheJdkAndSlf4jToo = classes()
            .that()
            .resideInAnyPackage("io.llmgateway.exec", "io.llmgateway.files")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..", "org.slf4j..", "io.llmgateway.exec", "io.llmgateway.files", "io.llmgateway.core")
            .because("exec and files are loaded by the job supervisor's JVM");

    private static ArchRule layering() {
        List<ArchRule> rules = new ArrayList<>();
        for (int i = 0; i < ORDER.size(); i++) {
            List<String> allowed = new ArrayList<>(ORDER.subList(i, ORDER.size()));
            allowed.add("io.modelcontextprotocol..");
            allowed.add("reactor..");
            allowed.add("org.eclipse.jetty..");
            allowed.add("jakarta.servlet..");
            allowed.add("com.nimbusds..");
            allowed.addAll(List.of(LIBRARIES));
            rules.add(classes()
                    .that()
                    .resideInAPackage(ORDER.get(i))
                    .should()
                    .onlyDependOnClassesThat()
                    .resideInAnyPackage(allowed.toArray(String[]::new))
                    .as(ORDER.get(i) + " uses only the packages below it in LayeringTest.ORDER"));
        }
        return CompositeArchRule.of(rules);
    }
}
