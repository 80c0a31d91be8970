using System.Diagnostics;
using DouyinEtl.Runs;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Tests.Warehouse;

/// <summary>
/// The demo's local cluster is no door for other local users: a private directory (never reached through a link, never
/// someone else's), its socket inside it, and a password on TCP that only the user who started it can read.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresTests : IAsyncLifetime
{
    // The test fixture's sweep removes what a killed run leaves under this prefix.
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "douyin-etl-tests-local-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Cluster_AsksForItsPassword_WhichOnlyTheUserWhoStartedItCanRead()
    {
        var postgres = await LocalPostgres.StartAsync(_directory, durable: false, CancellationToken.None);

        await using (var connection = new NpgsqlConnection(postgres.ConnectionString()))
        {
            await connection.OpenAsync();
        }

        var withoutPassword = new NpgsqlConnectionStringBuilder(postgres.ConnectionString()) { Password = null, Pooling = false };
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => OpenAsync(withoutPassword.ConnectionString));
        var wrongPassword = new NpgsqlConnectionStringBuilder(postgres.ConnectionString()) { Password = "postgres", Pooling = false };
        var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(wrongPassword.ConnectionString));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(postgres.PasswordFile));
        Assert.False(File.Exists(Path.Combine(_directory, "initdb-password")));

        if (PrivateDirectory.IsRoot)
        {
            // Another local user: no password file to read, no socket to reach, no login over TCP.
            var psql = Path.Combine(LocalPostgres.FindBinDirectory()!, "psql");
            Assert.NotEqual(0, (await AsNobodyAsync("cat", postgres.PasswordFile)).ExitCode);
            var socket = await AsNobodyAsync(psql, "-w", "-h", _directory, "-p", $"{postgres.Port}", "-U", "postgres", "-c", "SELECT 1");
            Assert.NotEqual(0, socket.ExitCode);
            Assert.Contains("Permission denied", socket.Output, StringComparison.Ordinal);
            var tcp = await AsNobodyAsync(psql, "-w", "-h", "127.0.0.1", "-p", $"{postgres.Port}", "-U", "postgres", "-c", "SELECT 1");
            Assert.NotEqual(0, tcp.ExitCode);
            Assert.Contains("no password supplied", tcp.Output, StringComparison.Ordinal);
        }

        // Started again, it is the same cluster, found by its port and password files.
        var again = await LocalPostgres.StartAsync(_directory, durable: false, CancellationToken.None);
        Assert.Equal(postgres.Port, again.Port);
        Assert.Equal(postgres.ConnectionString(), again.ConnectionString());
    }

    [Fact]
    public async Task Directory_ThatIsASymbolicLink_IsRefused_AndItsTargetIsLeftAlone()
    {
        var target = Directory.CreateTempSubdirectory("douyin-etl-tests-target-");
        try
        {
            File.CreateSymbolicLink(_directory, target.FullName);
            var modeBefore = File.GetUnixFileMode(target.FullName);
            var ownerBefore = await OwnerAsync(target.FullName);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalPostgres.StartAsync(_directory, durable: false, CancellationToken.None));

            Assert.Contains("is a symbolic link", error.Message, StringComparison.Ordinal);
            Assert.Empty(target.GetFileSystemInfos());
            Assert.Equal(modeBefore, File.GetUnixFileMode(target.FullName));
            Assert.Equal(ownerBefore, await OwnerAsync(target.FullName));
        }
        finally
        {
            File.Delete(_directory);
            target.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Directory_OwnedBySomeoneElse_IsRefused()
    {
        // As root the server's user is postgres, so a directory of nobody's is someone else's; as anyone else, / is root's.
        var foreign = PrivateDirectory.IsRoot ? _directory : "/";
        if (PrivateDirectory.IsRoot)
        {
            Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Assert.Equal(0, (await RunAsync("chown", "nobody", _directory)).ExitCode);
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalPostgres.StartAsync(foreign, durable: false, CancellationToken.None));

        Assert.Contains("belongs to uid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_OpenToOtherUsers_IsRefused()
    {
        Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (PrivateDirectory.IsRoot)
        {
            Assert.Equal(0, (await RunAsync("chown", "postgres", _directory)).ExitCode);
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalPostgres.StartAsync(_directory, durable: false, CancellationToken.None));

        Assert.Contains("is open to other users (mode 755)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterWithoutAPasswordFile_FromAnOlderTrustingDemo_IsRefused()
    {
        var postgres = await LocalPostgres.StartAsync(_directory, durable: false, CancellationToken.None);
        await postgres.StopAsync(CancellationToken.None);
        File.Delete(postgres.PasswordFile);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalPostgres.StartAsync(_directory, durable: false, CancellationToken.None));

        Assert.Contains("without a password file", error.Message, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (File.Exists(Path.Combine(_directory, "data", "postmaster.pid")) && File.Exists(Path.Combine(_directory, "pgpass")))
        {
            var postgres = await LocalPostgres.StartAsync(_directory, durable: false, CancellationToken.None);
            await postgres.StopAsync(CancellationToken.None);
        }

        if (Directory.Exists(_directory) && !new DirectoryInfo(_directory).Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task OpenAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
    }

    private static async Task<string> OwnerAsync(string path) => (await RunAsync("stat", "-c", "%u:%g", path)).Output.Trim();

    private static Task<(int ExitCode, string Output)> AsNobodyAsync(params string[] command) => RunAsync("runuser", ["-u", "nobody", "--", .. command]);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
