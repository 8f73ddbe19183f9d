package dev.tributary.ctl;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** A token (JWT) for a device, issued by the admin: the device connects with its name and the token as password. */
@Command(name = "token", description = {
        "Issue a token (JWT) for a device and print it.",
        "The device connects with its name as user name and the token as password until it expires;",
        "device passwd, disable and delete revoke it.",
        "Example: tributary ctl token truck-7 --ttl 7d" })
final class TokenCommand extends AdminCommand {

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = TtlConverter.class,
            description = "lifetime: 30s, 15m, 12h, 7d or ISO-8601 (PT15M); default: the service's (15m unless configured)")
    Duration ttl;

    @Option(names = "--json", description = "print token, expiresAt and username as JSON")
    boolean json;

    @Override
    public void run() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (ttl != null) {
            body.put("ttlSeconds", ttl.toSeconds());
        }
        JsonNode issued = client().json("POST", DeviceCommands.path(name) + "/token", body);
        out().println(json ? issued.toPrettyString() : issued.path("token").asText());
    }

    static final class TtlConverter implements ITypeConverter<Duration> {

        private static final Pattern SHORT = Pattern.compile("([1-9][0-9]{0,8})([smhd])");

        @Override
        public Duration convert(String value) {
            Matcher m = SHORT.matcher(value.strip());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            try {
                Duration d = Duration.parse(value.strip().toUpperCase());
                if (!d.isNegative() && !d.isZero()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a duration such as 30s, 15m, 12h, 7d or PT15M");
        }
    }
}
