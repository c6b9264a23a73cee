package io.tofunetty.examples.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every ```java block in docs/ and README.md stands verbatim (modulo indentation) in {@link UsageSnippets} or in
 * integration-tests-frameworks' {@code FrameworkSnippets} (Reactor Netty, Vert.x, gRPC).
 */
class DocSnippetsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyJavaSnippetOfTheDocsIsCompiledCode() throws IOException {
        // The framework snippets compile in the module that has the frameworks on its class path.
        String compiled = normalize(
                Files.readString(ROOT.resolve("examples/src/test/java/io/tofunetty/examples/docs/UsageSnippets.java"))
                + "\n" + Files.readString(ROOT.resolve(
                        "integration-tests-frameworks/src/test/java/io/tofunetty/integration/frameworks/FrameworkSnippets.java")));
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
        }
        int snippets = 0;
        for (Path doc : docs) {
            Matcher m = JAVA_BLOCK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
            while (m.find()) {
                snippets++;
                assertThat(compiled)
                        .as("the java snippet of %s starting with %s is not in UsageSnippets.java nor FrameworkSnippets.java (keep them equal)",
                                ROOT.relativize(doc), m.group(1).lines().findFirst().orElse(""))
                        .contains(normalize(m.group(1)));
            }
        }
        assertThat(snippets).as("java snippets found in the docs").isGreaterThanOrEqualTo(4);
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
