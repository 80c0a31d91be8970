using System.Security.Cryptography;
using DouyinEtl.Cli;
using DouyinEtl.Runs;

namespace DouyinEtl.Tests.Accounts;

/// <summary>
/// A harness whose accounts are managed in the warehouse (no <c>Accounts:N:*</c>), with <c>Secrets:AccountKey</c> in a
/// secrets directory as production mounts it, and the <c>douyin-etl</c> command line in process or as a child process.
/// </summary>
internal sealed class ManagedAccountsRig : IAsyncDisposable
{
    private readonly DirectoryInfo _files;

    private ManagedAccountsRig(Harness harness, DirectoryInfo secrets, DirectoryInfo files, string key)
    {
        Harness = harness;
        Secrets = secrets;
        _files = files;
        Key = key;
    }

    public Harness Harness { get; }

    /// <summary>The secrets directory (<c>Secrets:Directory</c>) holding <c>Secrets__AccountKey</c>.</summary>
    public DirectoryInfo Secrets { get; }

    public string Key { get; }

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static async Task<ManagedAccountsRig> StartAsync(Action<DouyinEtl.Sandbox.SandboxOptions>? sandbox = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var key = NewKey();
        var secrets = Directory.CreateTempSubdirectory("douyin-etl-secrets-");
        await System.IO.File.WriteAllTextAsync(Path.Combine(secrets.FullName, "Secrets__AccountKey"), key + "\n");
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Secrets:Directory"] = secrets.FullName };
        var harness = await Harness.StartAsync(sandbox, all, accountsInConfiguration: false);
        return new ManagedAccountsRig(harness, secrets, Directory.CreateTempSubdirectory("douyin-etl-cookies-"), key);
    }

    /// <summary>Writes <paramref name="content"/> to a fresh file (a cookie for --cookie-file) and returns its path.</summary>
    public string File(string content)
    {
        var path = Path.Combine(_files.FullName, Guid.NewGuid().ToString("N"));
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string CookieFileOf(string accountId) => File(Harness.Sandbox.World.FindById(accountId)!.Cookie + "\n");

    /// <summary>The real command line, in process, with the harness's settings: the exit code.</summary>
    public Task<int> InvokeAsync(params string[] command) => CommandLine.InvokeAsync([.. command, .. Harness.SetArguments()]);

    /// <summary>The built executable as a child process (environment as production sets it, clock pinned): exit code and output.</summary>
    public Task<(int ExitCode, string Output)> ChildAsync(string? stdin, params string[] command)
    {
        var environment = Harness.ChildEnvironment();
        environment["Logging__LogLevel__Default"] = "Warning";
        return WorkerProcess.RunWithInputAsync(environment, TimeSpan.FromMinutes(2), stdin, command);
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.DisposeAsync();
        Secrets.Delete(recursive: true);
        _files.Delete(recursive: true);
    }
}
