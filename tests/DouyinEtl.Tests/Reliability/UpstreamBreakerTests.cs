using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DouyinEtl.Sandbox;
using DouyinEtl.Tests.Streams.ItemAnalytics;

namespace DouyinEtl.Tests.Reliability;

/// <summary>
/// A dead TikHub (connection refused) or a hanging one (accepts, never answers): the run stops after
/// Sync:BreakerConsecutiveFailures calls without an answer, exit 1 with one line "TikHub unreachable at …", no stack
/// trace, recorded failed; the units it did not get to stay due, and a run once TikHub is back lands everything.
/// </summary>
public sealed class UpstreamBreakerTests
{
    private const int Threshold = 5;
    private const int Concurrency = 4;

    [Fact]
    public async Task Run_AgainstAClosedPort_StopsAsUnreachableAndTheNextRunLandsEverything()
    {
        var port = ClosedPort();
        await AssertTripsThenRecoversAsync($"http://127.0.0.1:{port}", "network error");
    }

    /// <summary>A server that accepts every connection and never answers on it (nor closes it).</summary>
    [Fact]
    public async Task Run_AgainstAServerThatNeverAnswers_StopsAsUnreachableAndTheNextRunLandsEverything() =>
        await AgainstLocalServerAsync((_, _) => Task.CompletedTask, "no answer within 1 s");

    /// <summary>A server that sends the headers of a 200 and closes the connection halfway through the body, every time.</summary>
    [Fact]
    public async Task Run_AgainstAServerThatCutsEveryAnswerShort_StopsAsUnreachableAndTheNextRunLandsEverything() =>
        await AgainstLocalServerAsync(
            async (client, cancellationToken) =>
            {
                var stream = client.GetStream();
                _ = await stream.ReadAsync(new byte[65536], cancellationToken);
                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"code\":20"u8.ToArray(), cancellationToken);
                client.Close();
            },
            "network error (ResponseEnded)");

    /// <summary>Runs <see cref="AssertTripsThenRecoversAsync"/> against a local port whose connections <paramref name="serve"/> handles, one at a time.</summary>
    private static async Task AgainstLocalServerAsync(Func<TcpClient, CancellationToken, Task> serve, string cause)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connections = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var serving = ServeAsync(listener, connections, serve, stop.Token);
        try
        {
            await AssertTripsThenRecoversAsync($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", cause);
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            await serving;
            connections.ForEach(c => c.Dispose());
        }
    }

    private static async Task AssertTripsThenRecoversAsync(string deadUrl, string cause)
    {
        await using var harness = await Harness.StartAsync(
            s => (s.Accounts, s.ItemsPerAccount) = (2, 60),
            new Dictionary<string, string?>
            {
                ["Sync:Concurrency"] = Concurrency.ToString(CultureInfo.InvariantCulture),
                ["Sync:BreakerConsecutiveFailures"] = Threshold.ToString(CultureInfo.InvariantCulture),
                // The child's clock is pinned: no time passes for the breaker's window, the count alone decides.
                ["Sync:BreakerWindow"] = "00:00:00",
                ["TikHub:AttemptTimeout"] = "00:00:01",
            });
        await harness.RunAsync("item-list");
        var dead = harness.ChildEnvironment();
        dead["TikHub__BaseUrl"] = deadUrl;

        var (exitCode, output) = await WorkerProcess.RunAsync(dead, TimeSpan.FromMinutes(5), "run", "item-analytics");

        Assert.True(exitCode == 1, output);
        Assert.Contains($"TikHub unreachable at {deadUrl}: {cause}", output, StringComparison.Ordinal);
        Assert.False(output.Contains("   at ", StringComparison.Ordinal) || output.Contains("Exception", StringComparison.Ordinal), "a stack trace or exception in:\n" + output);
        var (status, error) = (await harness.QueryAsync<(string, string)>("SELECT status, error FROM etl.run WHERE job = 'item-analytics'")).Single();
        Assert.Equal("failed", status);
        Assert.StartsWith($"TikHub unreachable at {deadUrl}: ", error, StringComparison.Ordinal);

        // Only the units in flight when it tripped were tried; none was checkpointed.
        var tried = await harness.ScalarAsync<long>("SELECT count(DISTINCT (endpoint, request::text)) FROM raw.api_call WHERE stream = 'item-analytics'");
        Assert.InRange(tried, 1, Threshold + Concurrency);
        Assert.Empty(await AnalyticsTruth.RefreshAsync(harness));

        // TikHub is back: everything lands, as if the dead run had never been.
        var (recovered, recoveredOutput) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(3), "run", "item-analytics");
        Assert.True(recovered == 0, recoveredOutput);
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness)), await AnalyticsTruth.RefreshAsync(harness));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Accepts every connection, keeps it (open unless <paramref name="serve"/> closes it) and serves it, until stopped.</summary>
    private static async Task ServeAsync(TcpListener listener, List<TcpClient> connections, Func<TcpClient, CancellationToken, Task> serve, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                connections.Add(client);
                await serve(client, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // Stopped.
        }
    }
}
