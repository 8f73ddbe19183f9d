package dev.tributary.ctl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where the admin password comes from, first found wins: the environment ({@code TRIBUTARY_ADMIN_PASSWORD},
 * or {@code TRIBUTARY_AUTH_ADMIN_PASSWORD} as {@code ./tributary up} and auth-service read it), the file
 * {@code ./tributary up} keeps ({@code <data>/auth/admin-password}, data = {@code TRIBUTARY_DATA} or
 * {@code ./data}), or a prompt without echo when a terminal is attached.
 */
final class AdminPassword {

    static final String ENV = "TRIBUTARY_ADMIN_PASSWORD";
    static final String SERVICE_ENV = "TRIBUTARY_AUTH_ADMIN_PASSWORD";

    /** The password and where it came from, for error messages; the password itself is never printed. */
    record Found(String password, String source) {
    }

    private AdminPassword() {
    }

    static Found find(Function<String, String> env, Path root, Ctl.PasswordPrompt prompt, String url) {
        for (String name : new String[] { ENV, SERVICE_ENV }) {
            String value = env.apply(name);
            if (value != null && !value.isBlank()) {
                return new Found(value.strip(), "$" + name);
            }
        }
        Path file = dataDir(env, root).resolve("auth").resolve("admin-password");
        if (Files.isRegularFile(file)) {
            try {
                String value = Files.readString(file).strip();
                if (!value.isEmpty()) {
                    return new Found(value, file.toString());
                }
            } catch (IOException e) {
                throw new CtlException(Ctl.NOT_AUTHENTICATED, "cannot read the admin password from " + file + ": " + e.getMessage());
            }
        }
        char[] typed = prompt.read("admin password for " + url + ": ");
        if (typed != null && typed.length > 0) {
            return new Found(new String(typed), "the prompt");
        }
        throw new CtlException(Ctl.NOT_AUTHENTICATED, "no admin password: set " + ENV + ", or run next to ./tributary up (it keeps one in "
                + file + "), or run in a terminal to be asked");
    }

    /** The launcher's data directory: TRIBUTARY_DATA (relative to the repository root) or root/data. */
    static Path dataDir(Function<String, String> env, Path root) {
        String data = env.apply("TRIBUTARY_DATA");
        return data == null || data.isBlank() ? root.resolve("data") : root.resolve(data);
    }
}
