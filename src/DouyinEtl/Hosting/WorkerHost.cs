using DouyinEtl.Configuration;
using DouyinEtl.Streams.AuthorDiagnosis;
using DouyinEtl.Streams.ItemAnalysis;
using DouyinEtl.Streams.ItemList;
using DouyinEtl.Streams.LiveRooms;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Hosting;

/// <summary>What a command needs: the database only (migrate), or the database plus upstream and jobs.</summary>
internal enum WorkerRole
{
    Warehouse,
    Jobs,
}

/// <summary>
/// The composition root. Configuration comes from appsettings.json next to the binary, then environment variables,
/// then <c>--set key=value</c> overrides; options are validated before anything runs.
/// </summary>
internal static class WorkerHost
{
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
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddWarehouse();
        if (role == WorkerRole.Jobs)
        {
            builder.AddUpstream();
            builder.AddSyncJobs();
        }

        return builder;
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

        // Every stream, listed by hand (no assembly scanning): this order is the order `demo` runs the jobs in.
        builder.AddItemList();
        builder.AddAuthorDiagnosis();
        builder.AddItemAnalysis();
        builder.AddLiveRooms();
    }
}
