using System.Diagnostics;
using Microsoft.Playwright;

namespace Bridge.Tests.Infrastructure;

/// <summary>
/// Finds a Chromium for the browser tests the way a user's machine has one: the system's Chromium (or Chrome) on
/// the PATH, else Playwright's own browser, installed on first use with Playwright's standard
/// <c>install chromium</c>. <c>BRIDGE_CHROMIUM</c> names an executable to use instead, or <c>playwright</c> to skip
/// the system lookup. When no browser can be had, the launch fails with one sentence naming the command that fixes it.
/// </summary>
public static class Browser
{
    private static readonly string[] SystemNames = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];
    private static readonly SemaphoreSlim InstallOnce = new(1, 1);
    private static bool _installTried;

    /// <summary>
    /// How long one browser step may take. Playwright's 30 s default was missed once in a full test run on two busy
    /// cores (a sign-in redirect); a real failure still fails, only later.
    /// </summary>
    public const float StepTimeoutMs = 90_000;

    public const string FixHint =
        "No Chromium for the browser tests: install one with 'apt-get install chromium' (Debian/Ubuntu) or " +
        "'pwsh Bridge.Tests/bin/Debug/net10.0/playwright.ps1 install chromium', or point BRIDGE_CHROMIUM at a Chromium executable.";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var options = new BrowserTypeLaunchOptions
        {
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        };
        var chosen = Environment.GetEnvironmentVariable("BRIDGE_CHROMIUM");
        if (!string.IsNullOrEmpty(chosen) && !string.Equals(chosen, "playwright", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(chosen)) throw new InvalidOperationException($"BRIDGE_CHROMIUM names '{chosen}', which does not exist. {FixHint}");
            options.ExecutablePath = chosen;
            return await playwright.Chromium.LaunchAsync(options);
        }
        if (chosen is null or "" && FindOnPath() is { } system)
        {
            options.ExecutablePath = system;
            return await playwright.Chromium.LaunchAsync(options);
        }

        try
        {
            return await playwright.Chromium.LaunchAsync(options);
        }
        catch (PlaywrightException first)
        {
            if (!await TryInstallAsync()) throw new InvalidOperationException(FixHint, first);
        }
        return await playwright.Chromium.LaunchAsync(options);
    }

    /// <summary>The first of the usual Chromium/Chrome executable names found on the PATH.</summary>
    public static string? FindOnPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in SystemNames)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>Playwright's own installer (the same as <c>playwright.ps1 install chromium</c>), at most once per run.</summary>
    private static async Task<bool> TryInstallAsync()
    {
        await InstallOnce.WaitAsync();
        try
        {
            if (_installTried) return false;
            _installTried = true;
            var watch = Stopwatch.StartNew();
            int code;
            try
            {
                code = await Task.Run(() => Microsoft.Playwright.Program.Main(["install", "chromium"]));
            }
            catch (Exception)
            {
                return false;
            }
            Console.Error.WriteLine($"playwright install chromium exited {code} after {watch.Elapsed.TotalSeconds:0}s");
            return code == 0;
        }
        finally
        {
            InstallOnce.Release();
        }
    }
}
