using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using DouyinEtl.Runs;
using Npgsql;

namespace DouyinEtl.Warehouse;

/// <summary>
/// A throwaway PostgreSQL cluster from the machine's own binaries (initdb + pg_ctl), for the demo and the tests when
/// no database is configured and no Docker engine answers. It is no door for other local users: its directory is
/// private (<see cref="PrivateDirectory"/>: 0700, never reached through a link), its Unix socket lies inside it, and
/// TCP on 127.0.0.1 asks for the superuser's random password (SCRAM-SHA-256), kept in the directory's libpq password
/// file (0600) for the user who started it. As root it runs the server as the <c>postgres</c> user, since initdb
/// refuses to run as root.
/// </summary>
internal sealed class LocalPostgres
{
    private const string Superuser = "postgres";
    private const string PasswordFileName = "pgpass";

    private readonly string _binDirectory;
    private readonly string _password;

    private LocalPostgres(string directory, string binDirectory, int port, string password)
    {
        Directory = directory;
        _binDirectory = binDirectory;
        Port = port;
        _password = password;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The superuser's password in libpq's password file format (<c>PGPASSFILE</c>), readable by its owner only.</summary>
    public string PasswordFile => Path.Combine(Directory, PasswordFileName);

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = Superuser, Password = _password, Database = database, Pooling = true }.ConnectionString;

    /// <summary>psql for the user who started the cluster: the password comes from the cluster's password file.</summary>
    public string PsqlCommand(string database) =>
        $"PGPASSFILE={PasswordFile} psql \"host=127.0.0.1 port={Port} user={Superuser} dbname={database}\"";

    public static string HowToInstall =>
        "Install PostgreSQL server binaries (Debian/Ubuntu: `apt-get install -y postgresql` — initdb and pg_ctl under /usr/lib/postgresql/<version>/bin), " +
        "or point PG_BIN at a folder holding initdb and pg_ctl, or set ConnectionStrings__Warehouse (tests: DOUYIN_ETL_TEST_PG) to an existing database.";

    /// <summary>Finds initdb/pg_ctl: PG_BIN, then the newest /usr/lib/postgresql/*/bin, then PATH.</summary>
    public static string? FindBinDirectory()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } explicitBin)
        {
            candidates.Add(explicitBin);
        }

        if (System.IO.Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(System.IO.Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    /// <summary>
    /// Starts (creating it if needed) a cluster in <paramref name="directory"/>. If one already runs there it is reused,
    /// which lets the demo keep its database between runs.
    /// </summary>
    public static async Task<LocalPostgres> StartAsync(string directory, bool durable, CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException("No PostgreSQL binaries (initdb, pg_ctl) found. " + HowToInstall);
        var runAsPostgres = PrivateDirectory.IsRoot;
        var serverUser = runAsPostgres
            ? PrivateDirectory.FindUser(Superuser) ?? throw new InvalidOperationException("Running as root, the server must run as the postgres user, and there is none. " + HowToInstall)
            : PrivateDirectory.CurrentUser;
        directory = Path.GetFullPath(directory);
        PrivateDirectory.Ensure(directory, serverUser);

        var dataDirectory = Path.Combine(directory, "data");
        var portFile = Path.Combine(directory, "port");
        var passwordFile = Path.Combine(directory, PasswordFileName);
        var initialized = File.Exists(Path.Combine(dataDirectory, "PG_VERSION"));
        string password;
        if (File.Exists(passwordFile))
        {
            password = (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim().Split(':')[^1];
        }
        else if (initialized)
        {
            throw new InvalidOperationException(
                $"{directory} holds a cluster without a password file, made by an older version with trust authentication: stop it " +
                $"({(runAsPostgres ? "runuser -u postgres -- " : "")}{Path.Combine(bin, "pg_ctl")} -D {dataDirectory} -m fast stop) and remove {directory}, or name another directory.");
        }
        else
        {
            password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            PrivateDirectory.CreateFile(passwordFile, $"*:*:*:{Superuser}:{password}\n", PrivateDirectory.CurrentUser);
        }

        var port = 0;
        if (File.Exists(portFile) && int.TryParse(await File.ReadAllTextAsync(portFile, cancellationToken), CultureInfo.InvariantCulture, out var existingPort))
        {
            var existing = new LocalPostgres(directory, bin, existingPort, password);
            if (await existing.AcceptsConnectionsAsync(cancellationToken))
            {
                return existing;
            }

            // A stopped cluster comes back on its old port, so connection strings handed out before stay valid.
            port = IsFree(existingPort) ? existingPort : 0;
        }

        var instance = new LocalPostgres(directory, bin, port == 0 ? FreePort() : port, password);
        if (!initialized)
        {
            // initdb reads the superuser's password from a file the server's user can read; it lives only as long as initdb.
            var initPasswordFile = Path.Combine(directory, "initdb-password");
            File.Delete(initPasswordFile);
            PrivateDirectory.CreateFile(initPasswordFile, password + "\n", serverUser);
            try
            {
                await instance.RunPostgresToolAsync(
                    "initdb",
                    ["-D", dataDirectory, "-U", Superuser, "--auth=scram-sha-256", "--pwfile=" + initPasswordFile, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                    runAsPostgres,
                    cancellationToken);
            }
            finally
            {
                File.Delete(initPasswordFile);
            }
        }

        var settings = $"-p {instance.Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={directory} -c max_connections=200";
        if (!durable)
        {
            // Throwaway data: trade crash safety for speed.
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }

        await instance.RunPostgresToolAsync(
            "pg_ctl",
            ["-D", dataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "-o", settings, "start"],
            runAsPostgres,
            cancellationToken);
        await File.WriteAllTextAsync(portFile, instance.Port.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return instance;
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopAsync("fast", cancellationToken);

    /// <summary>Stops the server: "fast" ends every session and shuts down cleanly; "immediate" quits at once, as a crash would.</summary>
    public async Task StopAsync(string mode, CancellationToken cancellationToken)
    {
        await RunPostgresToolAsync("pg_ctl", ["-D", Path.Combine(Directory, "data"), "-m", mode, "-w", "stop"], PrivateDirectory.IsRoot, cancellationToken);
    }

    public string StopCommand =>
        (PrivateDirectory.IsRoot ? "runuser -u postgres -- " : "") + $"{Path.Combine(_binDirectory, "pg_ctl")} -D {Path.Combine(Directory, "data")} -m fast stop";

    private async Task<bool> AcceptsConnectionsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString() + ";Timeout=3");
            await connection.OpenAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            return false;
        }
    }

    private Task RunPostgresToolAsync(string tool, IReadOnlyList<string> arguments, bool runAsPostgres, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_binDirectory, tool);
        return runAsPostgres
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], Directory, cancellationToken)
            : RunAsync(path, arguments, Directory, cancellationToken);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, string? workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
