package io.tofunetty.examples.echo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The arguments of one subcommand: positional values and {@code --name value} options from a fixed set. */
public final class CommandLine {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new HashMap<>();

    /**
     * @param allowed option names without the leading dashes
     * @throws IllegalArgumentException for an unknown option or an option without its value
     */
    public CommandLine(String[] args, int from, Set<String> allowed) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (!allowed.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + " (known: --"
                            + String.join(", --", allowed.stream().sorted().toList()) + ")");
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("option --" + name + " needs a value");
                    }
                    value = args[++i];
                }
                options.put(name, value);
            } else {
                positional.add(a);
            }
        }
    }

    /** The only positional argument, named {@code what} in errors. */
    public String single(String what) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "missing the " + what
                    : "expected one " + what + ", got " + positional);
        }
        return positional.get(0);
    }

    public void noPositional() {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("unexpected arguments " + positional);
        }
    }

    public String string(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    /** An integer option within [min, max]. */
    public int integer(String name, int defaultValue, int min, int max) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + " " + v + " is not a whole number " + min + "-" + max);
    }
}
