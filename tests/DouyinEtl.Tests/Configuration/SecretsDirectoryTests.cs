using DouyinEtl.Cli;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Tests.Configuration;

/// <summary>
/// A secrets directory (a mounted Kubernetes Secret, compose secrets, systemd credentials): one file per setting,
/// named like the environment variable. Layering: appsettings.json → secrets directory → environment → --set.
/// </summary>
public sealed class SecretsDirectoryTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("douyin-etl-secrets-");

    [Fact]
    public void FilesAreSettings_EnvironmentAndCommandLineWinOverThem()
    {
        Write("TikHub__ApiKey", "key-from-file\n");
        Write("Accounts__0__Cookie", "cookie-from-file");
        Write("DouyinEtlTests__SecretsLayering", "file");
        Write("DouyinEtlTests__SecretsOverride", "file");
        Environment.SetEnvironmentVariable("DouyinEtlTests__SecretsLayering", "environment");

        var configuration = WorkerHost.CreateBuilder(WorkerRole.Warehouse, new Dictionary<string, string?>
        {
            [WorkerHost.SecretsDirectoryKey] = _directory.FullName,
            ["DouyinEtlTests:SecretsOverride"] = "command line",
        }).Configuration;

        Assert.Equal("key-from-file", configuration["TikHub:ApiKey"]);
        Assert.Equal("cookie-from-file", configuration["Accounts:0:Cookie"]);
        Assert.Equal("environment", configuration["DouyinEtlTests:SecretsLayering"]);
        Assert.Equal("command line", configuration["DouyinEtlTests:SecretsOverride"]);
        Assert.Equal("https://api.tikhub.io", configuration["TikHub:BaseUrl"]);
    }

    [Fact]
    public void MissingDirectory_IsAConfigurationErrorNamingTheKey()
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            WorkerHost.CreateBuilder(WorkerRole.Warehouse, new Dictionary<string, string?> { [WorkerHost.SecretsDirectoryKey] = "/nonexistent/secrets" }));

        Assert.Contains("Secrets:Directory '/nonexistent/secrets'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithTheKeyCookiesAndDatabaseOnlyInTheSecretsDirectory_Exits0()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Accounts = 2, ItemsPerAccount = 30, RequestsPerSecondPerKey = 0, RequestsPerSecondPerEndpoint = 0 });
        Write("TikHub__ApiKey", sandbox.Options.ApiKey);
        Write("ConnectionStrings__Warehouse", await PostgresServer.CreateDatabaseAsync());
        for (var i = 0; i < sandbox.World.Accounts.Count; i++)
        {
            Write($"Accounts__{i}__Cookie", sandbox.World.Accounts[i].Cookie);
        }

        var exitCode = await CommandLine.InvokeAsync(
        [
            "run", "item-list",
            "--set", $"Secrets:Directory={_directory.FullName}",
            "--set", $"TikHub:BaseUrl={sandbox.BaseUrl}",
            "--set", "TikHub:RequestsPerSecond=1000",
            "--set", "TikHub:RequestsPerSecondPerEndpoint=1000",
            "--set", "Logging:LogLevel:Default=Warning",
            "--set", $"Accounts:0:Id={sandbox.World.Accounts[0].Id}",
            "--set", $"Accounts:1:Id={sandbox.World.Accounts[1].Id}",
        ]);

        Assert.Equal(0, exitCode);
        Assert.True(sandbox.Calls.TotalBilled > 0);
    }

    [Fact]
    public async Task Run_WithAMissingSecretsDirectory_Exits64()
    {
        Assert.Equal(64, await CommandLine.InvokeAsync(["run", "item-list", "--set", "Secrets:Directory=/nonexistent/secrets"]));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("DouyinEtlTests__SecretsLayering", null);
        _directory.Delete(recursive: true);
    }

    private void Write(string name, string value) => File.WriteAllText(Path.Combine(_directory.FullName, name), value);
}
