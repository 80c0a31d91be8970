using System.Globalization;
using System.Runtime.Versioning;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;

namespace DouyinEtl.Tests.Cli;

/// <summary>
/// A bad configuration or command line as an operator meets it: the real <c>douyin-etl</c> process, configured by its
/// environment and files as in production, exits 64 with one message naming what is wrong — no stack trace, no
/// secret — before it connects to anything (the database in these tests is unreachable on purpose).
/// </summary>
public sealed class BadConfigurationTests : IDisposable
{
    private const string SecretKey = "thk_0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("douyin-etl-bad-configuration-");

    [Fact]
    public async Task ValuesThatDoNotConvert_AreAllNamedInOneMessage()
    {
        var output = await AssertRefusedAsync(
            With(("Accounts__0__Enabled", "flase")),
            ["run", "item-list", "--set", "Sync:Concurrency=abc", "--set", "Sync:MaxCallsPerRun=99999999999", "--set", "ItemList:RefreshEvery=hourly"]);

        Assert.StartsWith(WorkerHost.NotValid, output, StringComparison.Ordinal);
        Assert.Contains("Accounts:0:Enabled 'flase' is not true or false", output, StringComparison.Ordinal);
        Assert.Contains("Sync:Concurrency 'abc' is not a whole number", output, StringComparison.Ordinal);
        Assert.Contains("Sync:MaxCallsPerRun '99999999999' is not a whole number", output, StringComparison.Ordinal);
        Assert.Contains("ItemList:RefreshEvery 'hourly' is not a duration", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--set", "Sync:Concurency=0", "Sync:Concurency is not a setting: did you mean Sync:Concurrency?")]
    [InlineData("--set", "Snyc:MaxCallsPerRun=1", "Snyc is not a section of douyin-etl: did you mean Sync?")]
    [InlineData("--set", "Sync__MaxCallPerRun=1", "Sync:MaxCallPerRun is not a setting: did you mean Sync:MaxCallsPerRun?")]
    [InlineData("--set", "TikHub:Key=1", "TikHub:Key is not a setting. Settings of TikHub: BaseUrl, ApiKey, ApiKeyFile")]
    [InlineData("--set", "Accounts:first:Id=a", "Accounts:first is not a setting: Accounts is a list, numbered from 0")]
    [InlineData("--set", "Daemon:Jobs:item-list:Corn=0 5 * * * ?", "Daemon:Jobs:item-list:Corn is not a setting: did you mean Daemon:Jobs:item-list:Cron?")]
    public async Task UnknownKeysOfOurSections_AreRefusedWithTheNearestOne(string option, string setting, string expected)
    {
        var output = await AssertRefusedAsync(With(), ["run", "item-list", option, setting]);

        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMisspelledSectionInTheEnvironment_IsRefused()
    {
        var output = await AssertRefusedAsync(With(("SYNC__MAXCALLSPERUN", "5"), ("Sycn__MaxCallsPerRun", "5")), ["run", "item-list"]);

        Assert.Contains("Sycn is not a section of douyin-etl: did you mean Sync?", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SYNC", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TikHub:ApiKey", "TikHub__ApiKey")]
    [InlineData("tikhub__APIKEY", "TikHub__ApiKey")]
    [InlineData("Accounts:0:Cookie", "Accounts__0__Cookie")]
    [InlineData("ACCOUNTS__3__cookie", "Accounts__3__Cookie")]
    [InlineData("TikHub:ApiKeys:0:Key", "TikHub__ApiKeys__0__Key")]
    public async Task SecretsOnTheCommandLine_AreRefusedWithHowToPassThem(string key, string variable)
    {
        var value = key.Contains("ookie", StringComparison.OrdinalIgnoreCase) ? TestCredentials.Cookie : SecretKey;

        var output = await AssertRefusedAsync(With(), ["run", "item-list", "--set", $"{key}={value}"]);

        Assert.Contains("is refused: a secret on the command line lands in shell history", output, StringComparison.Ordinal);
        Assert.Contains($"environment variable {variable}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(value, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TODO", "is not a cookie")]
    [InlineData("1", "is not a cookie")]
    [InlineData("的", "is not a cookie")]
    [InlineData("sessionid=abc", "is 13 characters long")]
    [InlineData("paste the cookie of creator.douyin.com here", "is not a cookie")]
    [InlineData("sessionid=0123456789abcdef0123456789abcdef;\nsid_tt=0123456789abcdef0123456789abcdef", "has a line break inside")]
    public async Task CookiesThatCannotBeReal_AreRefusedNamingTheKeyNotTheValue(string cookie, string expected)
    {
        var output = await AssertRefusedAsync(With(("Accounts__0__Cookie", cookie)), ["run", "item-list"]);

        Assert.Contains($"Accounts:0:Cookie for account 'brand-a' {expected}", output, StringComparison.Ordinal);
        Assert.DoesNotContain(cookie.Length > 4 ? cookie : $"'{cookie}'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(" \n\n", "is empty")]
    [InlineData("TODO\n", "holds a cookie that is not a cookie")]
    [InlineData(null, "is a directory, not a file")]
    public async Task CookieFilesThatHoldNoCookie_AreRefused(string? content, string expected)
    {
        var file = Path.Combine(_files.FullName, "brand-a.cookie");
        if (content is null)
        {
            Directory.CreateDirectory(file);
        }
        else
        {
            File.WriteAllText(file, content);
        }

        var output = await AssertRefusedAsync(With(("Accounts__0__Cookie", null), ("Accounts__0__CookieFile", file)), ["run", "item-list"]);

        Assert.Contains($"Accounts:0:CookieFile '{file}' for account 'brand-a' {expected}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyFileInTheSecretsDirectory_IsRefused()
    {
        File.WriteAllText(Path.Combine(_files.FullName, "Accounts__0__Cookie"), "\n");

        var output = await AssertRefusedAsync(With(("Accounts__0__Cookie", null), ("Secrets__Directory", _files.FullName)), ["run", "item-list"]);

        Assert.Contains("Secrets:Directory: the file Accounts__0__Cookie is empty", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TikHub__ApiKeys__1__Key", "", "TikHub:ApiKeys:1 has no key: set the environment variable TikHub__ApiKeys__1__Key")]
    [InlineData("TikHub__ApiKeys__1__Key", SecretKey + "2\r\nx", "TikHub:ApiKeys:1:Key has a line break inside")]
    [InlineData("TikHub__ApiKeys__1__Key", SecretKey + "1", "TikHub:ApiKeys:1 is the same key as TikHub:ApiKeys:0")]
    [InlineData("TikHub__ApiKeys__1__Key", SecretKey, "TikHub:ApiKeys:1 is the same key as TikHub:ApiKey")]
    [InlineData("TikHub__ApiKeys__1__RequestsPerSecond", "0", "TikHub:ApiKeys:1:RequestsPerSecond must be between 0 and 1000, got 0")]
    [InlineData("TikHub__ApiKeys__1__RequestsPerSecondPerEndpoint", "-5", "TikHub:ApiKeys:1:RequestsPerSecondPerEndpoint must be between 0 and 1000, got -5")]
    [InlineData("TikHub__ApiKeys__1__Name", "main key", "TikHub:ApiKeys:1:Name 'main key' must be 1–40 letters")]
    [InlineData("TikHub__ApiKeys__1__Name", "first", "TikHub:ApiKeys:1:Name 'first' is already the name of TikHub:ApiKeys:0")]
    public async Task KeyPoolsThatCannotWork_AreRefusedNamingTheEntryNotTheKey(string variable, string value, string expected)
    {
        var environment = With(("TikHub__ApiKeys__0__Name", "first"), ("TikHub__ApiKeys__0__Key", SecretKey + "1"), ("TikHub__ApiKeys__1__Key", SecretKey + "2"));
        environment[variable] = value;

        var output = await AssertRefusedAsync(environment, ["run", "item-list"]);

        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" " + SecretKey, null, "TikHub:ApiKey has whitespace around it")]
    [InlineData(SecretKey + "\r\n", null, "TikHub:ApiKey has a line break inside")]
    [InlineData(null, SecretKey + "\nsecond line\n", "holds a key that has a line break inside")]
    [InlineData(null, "\n", "is empty")]
    public async Task KeysThatCannotBeSent_AreRefused(string? variable, string? file, string expected)
    {
        var path = Path.Combine(_files.FullName, "tikhub.key");
        if (file is not null)
        {
            File.WriteAllText(path, file);
        }

        var output = await AssertRefusedAsync(With(("TikHub__ApiKey", variable), ("TikHub__ApiKeyFile", file is null ? null : path)), ["run", "item-list"]);

        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyFileWithOneTrailingLineBreak_IsFine()
    {
        var path = Path.Combine(_files.FullName, "tikhub.key");
        File.WriteAllText(path, SecretKey + "\n");

        var (exitCode, output) = await RunAsync(With(("TikHub__ApiKey", null), ("TikHub__ApiKeyFile", path)), [], ["run", "item-list"]);

        Assert.True(exitCode == 1 && output.StartsWith("Database error", StringComparison.Ordinal), $"exit {exitCode}: {output}");
    }

    /// <summary>A secret mounted for another user (a 0600 file of root's): the worker runs as nobody, or the file is made unreadable.</summary>
    [Theory]
    [InlineData("CookieFile")]
    [InlineData("Secrets__Directory")]
    [SupportedOSPlatform("linux")]
    public async Task AnUnreadableSecretFile_IsRefusedNamingIt(string how)
    {
        var file = Path.Combine(_files.FullName, how == "CookieFile" ? "brand-a.cookie" : "Accounts__0__Cookie");
        File.WriteAllText(file, TestCredentials.Cookie);
        var environment = how == "CookieFile"
            ? With(("Accounts__0__Cookie", null), ("Accounts__0__CookieFile", file))
            : With(("Accounts__0__Cookie", null), ("Secrets__Directory", _files.FullName));
        var asAnotherUser = Unreadable(file, environment);

        var output = await AssertRefusedAsync(environment, ["run", "item-list"], asAnotherUser);

        Assert.Contains(how == "CookieFile" ? $"Accounts:0:CookieFile '{file}' for account 'brand-a' cannot be read" : "Secrets:Directory: the file Accounts__0__Cookie cannot be read", output, StringComparison.Ordinal);
        Assert.Contains("permission denied", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docs", "--output", "/nonexistent/dir/data-dictionary.md", "--output /nonexistent/dir/data-dictionary.md: the directory /nonexistent/dir does not exist.")]
    [InlineData("docs", "--output", "/tmp", "--output /tmp: that is a directory")]
    [InlineData("demo", "--items", "-5", "--items must be at least 1, got -5.")]
    [InlineData("demo", "--accounts", "0", "--accounts must be at least 1, got 0.")]
    public async Task CommandLineValuesThatCannotWork_AreRefused(string command, string option, string value, string expected)
    {
        string[] directory = command == "demo" ? ["--directory", Path.Combine(_files.FullName, "demo")] : [];

        var output = await AssertRefusedAsync(With(), [command, option, value, .. directory]);

        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_files.FullName, "demo")), "the demo started a cluster");
    }

    [Theory]
    [InlineData("run", "2026-05-01", "2026-04-01", "--from 2026-05-01 is after --to 2026-04-01.")]
    [InlineData("backfill", "2026-05-01", "2026-04-01", "--from 2026-05-01 is after --to 2026-04-01.")]
    [InlineData("run", "0001-01-01", null, "--from 0001-01-01 is before 2016-01-01")]
    [InlineData("backfill", "0001-01-01", "2026-01-01", "--from 0001-01-01 is before 2016-01-01")]
    [InlineData("run", null, "9999-12-31", "--to 9999-12-31 is after today (2026-11-20 in Asia/Shanghai)")]
    [InlineData("backfill", "2026-01-01", "tomorrow", "--to 2026-11-21 is after today (2026-11-20 in Asia/Shanghai)")]
    [InlineData("run", "tomorrow", null, "--from 2026-11-21 is after today (2026-11-20 in Asia/Shanghai)")]
    public async Task PeriodsThatCannotHoldData_AreRefusedBeforeAnyCall(string command, string? from, string? to, string expected)
    {
        var args = new List<string> { command, command == "run" ? "item-list" : "all" };
        foreach (var (option, day) in new[] { ("--from", from), ("--to", to) })
        {
            if (day is not null)
            {
                args.AddRange([option, day == "tomorrow" ? Tomorrow() : day]);
            }
        }

        var output = await AssertRefusedAsync(PinnedClock(With()), [.. args]);

        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TodayInShanghai_IsAcceptedAsTheLastDay()
    {
        // 10:30 UTC on the harness's day is 18:30 in Beijing: the same day; the run gets past the checks to the database.
        var (exitCode, output) = await RunAsync(PinnedClock(With()), [], ["run", "item-list", "--from", "2026-11-01", "--to", "2026-11-20"]);

        Assert.True(exitCode == 1 && output.StartsWith("Database error", StringComparison.Ordinal), $"exit {exitCode}: {output}");
    }

    [Theory]
    [InlineData("run", "item-list")]
    [InlineData("backfill", "all", "--from", "2026-01-01", "--to", "2026-02-01")]
    [InlineData("daemon")]
    public async Task EveryAccountDisabled_IsRefusedByCommandsThatLoadAccounts(params string[] args)
    {
        var output = await AssertRefusedAsync(With(("Accounts__0__Enabled", "false")), args);

        Assert.StartsWith("There is no enabled account", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("replay")]
    [InlineData("docs")]
    [InlineData("status")]
    public async Task EveryAccountDisabled_DoesNotStopCommandsThatReadTheWarehouse(string command)
    {
        var (exitCode, output) = await RunAsync(With(("Accounts__0__Enabled", "false")), [], [command]);

        Assert.True(exitCode != 64 && !output.Contains("no enabled account", StringComparison.Ordinal), $"exit {exitCode}: {output}");
    }

    public void Dispose() => _files.Delete(recursive: true);

    /// <summary>A configuration that passes every check, plus <paramref name="changes"/> (null removes a variable).</summary>
    private static Dictionary<string, string?> With(params (string Key, string? Value)[] changes)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Warehouse"] = "Host=127.0.0.1;Port=1;Username=nobody;Timeout=2",
            ["TikHub__ApiKey"] = SecretKey,
            ["Accounts__0__Id"] = "brand-a",
            ["Accounts__0__Cookie"] = TestCredentials.Cookie,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in changes)
        {
            environment[key] = value;
        }

        return environment;
    }

    private static Dictionary<string, string?> PinnedClock(Dictionary<string, string?> environment)
    {
        foreach (var (key, value) in WorkerProcess.PinnedClock(Harness.DefaultNow))
        {
            environment[key] = value;
        }

        return environment;
    }

    private static string Tomorrow() => ShanghaiTime.Day(Harness.DefaultNow).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Makes <paramref name="file"/> unreadable for the worker: root reads every file, so as root the worker runs as
    /// nobody (setpriv) and the file stays root's with mode 0600; otherwise its mode becomes 000.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private string[] Unreadable(string file, Dictionary<string, string?> environment)
    {
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (Environment.UserName != "root")
        {
            File.SetUnixFileMode(file, UnixFileMode.None);
            return [];
        }

        File.SetUnixFileMode(_files.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        environment["HOME"] = "/tmp";
        environment["DOTNET_CLI_HOME"] = "/tmp";
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string?> environment, string[] wrapper, string[] args) =>
        await WorkerProcess.RunAsync(environment, wrapper, TimeSpan.FromMinutes(1), args);

    /// <summary>Exit 64 and one message: a line, or "Configuration is not valid:" and one line per problem; no stack trace.</summary>
    private static async Task<string> AssertRefusedAsync(Dictionary<string, string?> environment, string[] args, string[]? wrapper = null)
    {
        var (exitCode, output) = await RunAsync(environment, wrapper ?? [], args);
        var lines = output.Split('\n');

        Assert.True(exitCode == 64, $"exit {exitCode}: {output}");
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.True(
            lines.Length == 1
            || (lines[0] == WorkerHost.NotValid && lines.Skip(1).All(l => l.StartsWith("  - ", StringComparison.Ordinal)))
            || lines[^1] == "See `douyin-etl --help`.",
            "not one message:\n" + output);
        return output;
    }
}
