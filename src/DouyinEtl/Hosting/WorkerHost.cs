using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Notifications;
using DouyinEtl.Streams.ItemExport;
using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Daemon;
using DouyinEtl.Observability;
using DouyinEtl.Replay;
using DouyinEtl.Streams.AuthorDiagnosis;
using DouyinEtl.Streams.ContentAnalysis;
using DouyinEtl.Streams.ItemList;
using DouyinEtl.Streams.LiveRooms;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.KeyPerFile;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Hosting;

/// <summary>
/// What a command needs: the database only (migrate), the database and the accounts (<c>accounts</c> verbs), all that
/// plus upstream and jobs, or all that plus the scheduler.
/// </summary>
internal enum WorkerRole
{
    /// <summary>The database only: <c>migrate</c>.</summary>
    Warehouse,

    /// <summary>The database and both sources of accounts: the <c>accounts</c> verbs.</summary>
    Accounts,

    /// <summary>The database, read-only sessions, and the jobs' planning code without upstream credentials: <c>status</c>.</summary>
    Status,

    /// <summary>The database and the jobs' normalizers without upstream credentials: <c>replay</c>.</summary>
    Replay,

    /// <summary>The database, upstream (key and cookies required) and the jobs: <c>run</c>, <c>backfill</c>.</summary>
    Jobs,

    /// <summary>All that plus the clustered scheduler: <c>daemon</c>.</summary>
    Daemon,

    /// <summary>The jobs, configured by the demo alone: the warehouse, accounts, TikHub, secrets and notification sinks of the environment are not read (<see cref="WorkerHost.DemoOwnSections"/>).</summary>
    Demo,
}

/// <summary>
/// The composition root. Configuration comes from appsettings.json next to the binary, then the files of a secrets
/// directory (<c>Secrets:Directory</c>), then environment variables, then <c>--set key=value</c> overrides; options
/// are validated before anything runs.
/// </summary>
internal static class WorkerHost
{
    /// <summary>See <see cref="SecretsOptions"/>.</summary>
    public const string SecretsDirectoryKey = SecretsOptions.DirectoryKey;

    /// <summary>The start of the one message a bad configuration prints (each problem follows on a line of its own).</summary>
    public const string NotValid = "Configuration is not valid:";

    /// <summary>
    /// Sections the demo takes only from itself (its sandbox, its accounts, its warehouse): appsettings.json and the
    /// environment's values of them are hidden from it, and it reads no secrets directory, so a demo started in a shell
    /// holding production settings cannot reach production.
    /// </summary>
    public static readonly IReadOnlyList<string> DemoOwnSections = ["ConnectionStrings", "Accounts", "TikHub", "Secrets", "Notifications"];

    public static HostApplicationBuilder CreateBuilder(WorkerRole role, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        if (role == WorkerRole.Demo)
        {
            var sources = builder.Configuration.Sources;
            for (var i = 0; i < sources.Count; i++)
            {
                sources[i] = new WithoutSectionsSource(sources[i], DemoOwnSections);
            }
        }

        builder.Configuration.AddInMemoryCollection(settings);
        if (role != WorkerRole.Demo)
        {
            AddSecretsDirectory(builder.Configuration);
        }

        // Before anything binds: a value that does not convert would otherwise stop the binder at the first one, with a stack trace.
        var problems = SettingsCheck.Problems(builder.Configuration);
        if (problems.Count > 0)
        {
            throw new ConfigurationException(Message(problems));
        }

        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EtlMetrics>();

        // JSON logs (Logging:Console:FormatterName=json) are for machines: ISO-8601 UTC time and every scope (run id,
        // job, account, unit), whatever the text format's settings say.
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.AddWarehouse(readOnly: role == WorkerRole.Status);
        var credentialsRequired = role is WorkerRole.Jobs or WorkerRole.Daemon or WorkerRole.Demo;
        if (role != WorkerRole.Warehouse)
        {
            builder.AddAccounts(credentialsRequired);
        }

        if (role is not (WorkerRole.Warehouse or WorkerRole.Accounts))
        {
            builder.AddUpstream(credentialsRequired);
            builder.AddNotifications();
            builder.AddSyncJobs();
        }

        if (role == WorkerRole.Daemon)
        {
            builder.AddDaemon();
        }

        return builder;
    }

    /// <summary>Slots the secrets directory in below the environment, so an environment variable still wins over a file.</summary>
    private static void AddSecretsDirectory(ConfigurationManager configuration)
    {
        var directory = configuration[SecretsDirectoryKey];
        if (string.IsNullOrWhiteSpace(directory))
        {
            return;
        }

        if (!Directory.Exists(directory))
        {
            throw new ConfigurationException($"{SecretsDirectoryKey} '{directory}' does not exist: mount the secrets there or unset it.");
        }

        var unusable = UnusableSecretFiles(directory);
        if (unusable.Count > 0)
        {
            throw new ConfigurationException(Message(unusable));
        }

        var source = new KeyPerFileConfigurationSource
        {
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetFullPath(directory)),
            Optional = false,
        };
        var environment = configuration.Sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
        configuration.Sources.Insert(environment < 0 ? configuration.Sources.Count : environment, source);
    }

    /// <summary>
    /// Files of the secrets directory that cannot be settings: unreadable ones (a secret mounted for another user), which
    /// would stop the host with a stack trace, and empty ones, a secret that was never filled in.
    /// </summary>
    private static List<string> UnusableSecretFiles(string directory)
    {
        var problems = new List<string>();
        IEnumerable<string> files;
        try
        {
            files = [.. Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return [$"{SecretsDirectoryKey} '{directory}' cannot be listed by the user this process runs as ({Environment.UserName}): make it readable by that user."];
        }

        foreach (var file in files)
        {
            var name = Path.GetFileName(file);

            // As the key-per-file provider: "ignore."-prefixed files are not settings; Kubernetes' ..data entries are directories.
            if (name.StartsWith("ignore.", StringComparison.OrdinalIgnoreCase) || Directory.Exists(file))
            {
                continue;
            }

            if (Credentials.ReadFile(file, out var content) is { } problem)
            {
                problems.Add($"{SecretsDirectoryKey}: the file {name} {problem}.");
            }
            else if (string.IsNullOrWhiteSpace(content))
            {
                problems.Add($"{SecretsDirectoryKey}: the file {name} is empty: fill it in (it sets {name.Replace("__", ":", StringComparison.Ordinal)}) or remove it.");
            }
        }

        return problems;
    }

    public static string Message(IEnumerable<string> problems) => NotValid + "\n  - " + string.Join("\n  - ", problems);

    /// <summary>Runs every options validator now; returns the failures (empty when the configuration is good).</summary>
    public static IReadOnlyList<string> Validate(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
        catch (AggregateException ex)
        {
            return [.. ex.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures)];
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's own words (key and type, never the value), should it refuse what SettingsCheck let through.
            return [ex.Message];
        }
    }

    /// <param name="builder">The host.</param>
    /// <param name="readOnly">Every session read-only (<c>default_transaction_read_only</c>): a write fails instead of happening.</param>
    private static void AddWarehouse(this HostApplicationBuilder builder, bool readOnly)
    {
        builder.Services.AddOptions<WarehouseOptions>()
            .Configure(o => o.ConnectionString = builder.Configuration[WarehouseOptions.ConnectionStringKey])
            .Bind(builder.Configuration.GetSection(WarehouseOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WarehouseOptions>, WarehouseOptionsValidator>();
        builder.Services.AddSingleton(sp =>
        {
            var connectionString = sp.GetRequiredService<IOptions<WarehouseOptions>>().Value.ConnectionString!;
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            dataSource.ConnectionStringBuilder.ApplicationName ??= "douyin-etl";
            if (readOnly)
            {
                dataSource.ConnectionStringBuilder.Options = $"{dataSource.ConnectionStringBuilder.Options} -c default_transaction_read_only=on".Trim();
            }

            return dataSource.Build();
        });
        builder.Services.AddSingleton<PartitionMaintenance>();
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddSingleton<RawLanding>();
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    /// <summary>
    /// Both sources of accounts: configuration and the warehouse (<c>etl.managed_account</c>, cookies under
    /// <c>Secrets:AccountKey</c>). <paramref name="credentialsRequired"/> is false for commands that call nothing
    /// upstream (status, replay, the accounts verbs): cookies are not checked.
    /// </summary>
    private static void AddAccounts(this HostApplicationBuilder builder, bool credentialsRequired)
    {
        builder.Services.AddOptions<SecretsOptions>().Bind(builder.Configuration.GetSection(SecretsOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>();
        builder.Services.AddOptions<List<AccountOptions>>().Bind(builder.Configuration.GetSection(AccountOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<List<AccountOptions>>>(new AccountListValidator(credentialsRequired));
        builder.Services.AddSingleton<AccountKeyRing>();
        builder.Services.AddSingleton<ManagedAccountStore>();
        builder.Services.AddSingleton<AccountRegistry>();
    }

    private static void AddNotifications(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();

        // No logging handlers: they would log each request's URI, and a webhook URL carries its token.
        builder.Services.AddHttpClient(NotificationSender.HttpClientName).RemoveAllLoggers();
        builder.Services.AddSingleton<NotificationSender>();
        builder.Services.AddSingleton<Notifier>();
    }

    /// <param name="builder">The host.</param>
    /// <param name="credentialsRequired">False for commands that call nothing upstream (status, replay): no key needed.</param>
    private static void AddUpstream(this HostApplicationBuilder builder, bool credentialsRequired)
    {
        builder.Services.AddOptions<TikHubOptions>().Bind(builder.Configuration.GetSection(TikHubOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TikHubOptions>>(new TikHubOptionsValidator(credentialsRequired));
        builder.Services.AddSingleton(sp => new SecretScrubber(sp.GetRequiredService<AccountRegistry>(), sp.GetRequiredService<IOptions<TikHubOptions>>()));
        builder.Services.AddSingleton<SharedPace>();
        builder.Services.AddSingleton(sp => TikHubClient.BuildRetry(sp.GetRequiredService<IOptions<TikHubOptions>>().Value, sp.GetRequiredService<ILogger<TikHubClient>>()));
        builder.Services.AddHttpClient<TikHubClient>();
        builder.Services.AddSingleton<RunLedger>();
    }

    private static void AddSyncJobs(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncOptions>().Bind(builder.Configuration.GetSection(SyncOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SyncOptions>, SyncOptionsValidator>();
        builder.Services.AddTransient<JobRunner>();
        builder.Services.AddTransient<Replayer>();

        // Every stream, listed by hand (no assembly scanning): this order is the order `demo` runs the jobs in.
        builder.AddStream<ItemListSync, ItemListReplay, ItemListOptions, ItemListOptionsValidator>(ItemListOptions.Section, (section, options) => section.Bind(options));
        builder.AddStream<ItemExportSync, ItemExportReplay, ItemExportOptions, ItemExportOptionsValidator>(ItemExportOptions.Section, (section, options) => section.Bind(options));
        builder.AddStream<ItemAnalyticsSync, ItemAnalyticsReplay, ItemAnalyticsOptions, ItemAnalyticsOptionsValidator>(ItemAnalyticsOptions.Section, (section, options) => section.Bind(options));
        builder.AddStream<AuthorDiagnosisSync, AuthorDiagnosisReplay, AuthorDiagnosisOptions, AuthorDiagnosisOptionsValidator>(AuthorDiagnosisOptions.Section, (section, options) => section.Bind(options));
        builder.AddStream<ContentAnalysisSync, ContentAnalysisReplay, ContentAnalysisOptions, ContentAnalysisOptionsValidator>(ContentAnalysisOptions.Section, (section, options) => section.Bind(options));
        builder.AddStream<LiveRoomsSync, LiveRoomsReplay, LiveRoomsOptions, LiveRoomsOptionsValidator>(LiveRoomsOptions.Section, (section, options) => section.Bind(options));
    }
}
