package dev.tributary.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium, driven by Debian's chromedriver ({@code apt-get install chromium chromium-driver},
 * which {@code ./tributary test} does), with screenshots kept as test artifacts under target/screenshots. Modules using it
 * depend on selenium-chrome-driver and awaitility themselves: they are optional here.
 */
public final class Browser implements AutoCloseable {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;

    public Browser() {
        this(new String[0]);
    }

    /** With extra Chromium command-line arguments, e.g. {@link #trusting(java.security.cert.X509Certificate)}. */
    public Browser(String... extraArguments) {
        try {
            profile = Files.createTempDirectory("chromium-profile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String chromium = RequiredTools.path("chromium");
        String chromedriver = RequiredTools.path("chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        options.addArguments(extraArguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(chromedriver).toFile()).build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    /**
     * The argument that makes Chromium accept one server key whatever CA signed its certificate: how a test's
     * browser trusts a local CA's edge (Chromium reads no CA file from the command line), and nothing else.
     */
    public static String trusting(java.security.cert.X509Certificate server) {
        try {
            byte[] spki = java.security.MessageDigest.getInstance("SHA-256").digest(server.getPublicKey().getEncoded());
            return "--ignore-certificate-errors-spki-list=" + java.util.Base64.getEncoder().encodeToString(spki);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public java.util.List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public String text(String css) {
        return onFreshElement(() -> find(css).getText());
    }

    public void click(String css) {
        onFreshElement(() -> {
            find(css).click();
            return null;
        });
    }

    /**
     * Runs {@code action} again when the element it found was replaced in between: our pages
     * re-render on a timer, so an element can go stale between finding and using it. A stale
     * element was not acted on, so trying again never acts twice.
     */
    private static <T> T onFreshElement(Supplier<T> action) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                return action.get();
            } catch (StaleElementReferenceException replaced) {
                if (System.nanoTime() > deadline) {
                    throw replaced;
                }
            }
        }
    }

    public Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Polls the page until the condition holds; an element not there yet counts as "not yet". */
    public void awaitUpTo(Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(org.openqa.selenium.WebDriverException.class)
                .until(condition);
    }

    /** Saves what the page shows now as target/screenshots/{name}.png. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a test for
        }
    }
}
