using DouyinEtl.Configuration;
using DouyinEtl.Streams.ItemExport;
using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Daemon;
using DouyinEtl.Observability;
using DouyinEtl.Replay;
using DouyinEtl.Streams.AuthorDiagnosis;
using DouyinEtl.Streams.ItemAnalysis;
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
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Hosting;

/// <summary>What a command needs: the database only (migrate), the database plus upstream and jobs, or all that plus the scheduler.</summary>
internal enum WorkerRole
{
    Warehouse,
    Jobs,
    Daemon,
}

/// <summary>
/// The composition root. Configuration comes from appsettings.json next to the binary, then the files of a secrets
/// directory (<c>Secrets:Directory</c>), then environment variables, then <c>--set key=value</c> overrides; options
/// are validated before anything runs.
/// </summary>
internal static class WorkerHost
{
    /// <summary>
    /// A directory with one file per setting, named like the environment variable (<c>TikHub__ApiKey</c>,
    /// <c>Accounts__0__Cookie</c>): a mounted Kubernetes Secret, Docker secrets, or systemd's credentials directory.
    /// </summary>
    public const string SecretsDirectoryKey = "Secrets:Directory";

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

        builder.Configuration.AddInMemoryCollection(settings);
        AddSecretsDirectory(builder.Configuration);
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
        builder.AddWarehouse();
        if (role is WorkerRole.Jobs or WorkerRole.Daemon)
        {
            builder.AddUpstream();
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

        var source = new KeyPerFileConfigurationSource
        {
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetFullPath(directory)),
            Optional = false,
        };
        var environment = configuration.Sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
        configuration.Sources.Insert(environment < 0 ? configuration.Sources.Count : environment, source);
    }

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
    }

    private static void AddWarehouse(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WarehouseOptions>()
            .Configure(o => o.ConnectionString = builder.Configuration[WarehouseOptions.ConnectionStringKey])
            .Bind(builder.Configuration.GetSection("Warehouse"))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WarehouseOptions>, WarehouseOptionsValidator>();
        builder.Services.AddSingleton(sp =>
        {
            var connectionString = sp.GetRequiredService<IOptions<WarehouseOptions>>().Value.ConnectionString!;
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            dataSource.ConnectionStringBuilder.ApplicationName ??= "douyin-etl";
            return dataSource.Build();
        });
        builder.Services.AddSingleton<PartitionMaintenance>();
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddSingleton<RawLanding>();
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private static void AddUpstream(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TikHubOptions>().Bind(builder.Configuration.GetSection(TikHubOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TikHubOptions>, TikHubOptionsValidator>();
        builder.Services.AddOptions<List<AccountOptions>>().Bind(builder.Configuration.GetSection(AccountOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<List<AccountOptions>>, AccountListValidator>();
        builder.Services.AddSingleton<AccountRegistry>();
        builder.Services.AddSingleton(sp => new SecretScrubber(sp.GetRequiredService<AccountRegistry>(), sp.GetRequiredService<IOptions<TikHubOptions>>()));
        builder.Services.AddSingleton<UpstreamRateLimiter>();
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
        builder.AddItemList();
        builder.AddItemExport();
        builder.AddItemAnalytics();
        builder.AddAuthorDiagnosis();
        builder.AddItemAnalysis();
        builder.AddLiveRooms();
    }
}
