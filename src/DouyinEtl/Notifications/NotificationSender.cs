using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace DouyinEtl.Notifications;

/// <summary>
/// Sends what <c>etl.notification_delivery</c> holds as pending for this process's sinks: claims rows with a lease (so
/// two processes never send the same message), sends each sink one message per batch, retries a failing sink a few
/// times (Polly, exponential), and books the outcome. A sink that keeps failing costs its own rows a last error and a
/// log line, never a run; later runs try again until <see cref="NotificationOptions.GiveUpAfter"/>.
/// </summary>
internal sealed partial class NotificationSender
{
    public const string HttpClientName = "notifications";

    /// <summary>Per message: a chat group reads ten lines, not two hundred; bigger batches are split.</summary>
    private const int BatchSize = 8;

    private const string GiveUp = """
        UPDATE etl.notification_delivery d
        SET status = 'failed', lease_until = NULL,
            last_error = coalesce(d.last_error || ' — ', '') || 'given up: not delivered within Notifications:GiveUpAfter'
        FROM etl.notification n
        WHERE n.notification_id = d.notification_id AND d.status = 'pending' AND d.sink = ANY(@Sinks) AND n.created_at < @Oldest
        """;

    private const string Claim = """
        UPDATE etl.notification_delivery d SET lease_until = @LeaseUntil
        WHERE (d.notification_id, d.sink) IN (
            SELECT notification_id, sink FROM etl.notification_delivery
            WHERE status = 'pending' AND sink = ANY(@Sinks) AND (lease_until IS NULL OR lease_until < @Now)
            ORDER BY notification_id
            LIMIT 200
            FOR UPDATE SKIP LOCKED)
        RETURNING d.notification_id, d.sink
        """;

    private const string Load = """
        SELECT notification_id, created_at, kind, severity, subject, account_id, job, run_id, title, message
        FROM etl.notification WHERE notification_id = ANY(@Ids) ORDER BY notification_id
        """;

    private const string Sent = """
        UPDATE etl.notification_delivery
        SET status = 'sent', attempts = attempts + @Attempts, last_attempt_at = @Now, sent_at = @Now, last_error = NULL, lease_until = NULL
        WHERE sink = @Sink AND notification_id = ANY(@Ids)
        """;

    private const string Failed = """
        UPDATE etl.notification_delivery
        SET attempts = attempts + @Attempts, last_attempt_at = @Now, last_error = @Error, lease_until = NULL
        WHERE sink = @Sink AND notification_id = ANY(@Ids)
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NotificationOptions _options;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _clock;
    private readonly ILogger<NotificationSender> _log;
    private readonly ResiliencePipeline _retry;

    public NotificationSender(NpgsqlDataSource dataSource, IOptions<NotificationOptions> options, IHttpClientFactory http, TimeProvider clock, ILogger<NotificationSender> log)
    {
        _dataSource = dataSource;
        _options = options.Value;
        _http = http;
        _clock = clock;
        _log = log;
        Sinks = [.. _options.Sinks.Select((s, i) => new NotificationSink(s, i))];
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, _options.Retries),
                BackoffType = DelayBackoffType.Exponential,
                Delay = _options.RetryDelay,
                ShouldHandle = args => ValueTask.FromResult(_options.Retries > 0 && args.Outcome.Exception is SinkRefusedException),
            })
            .Build();
    }

    public IReadOnlyList<NotificationSink> Sinks { get; }

    /// <summary>Sends every pending delivery of this process's sinks; returns how many notifications reached a sink.</summary>
    public async Task<int> DeliverAsync(CancellationToken cancellationToken)
    {
        if (Sinks.Count == 0)
        {
            return 0;
        }

        var now = _clock.GetUtcNow();
        var names = Sinks.Select(s => s.Name).ToArray();
        List<(long NotificationId, string Sink)> claimed;
        List<Notification> notifications;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(GiveUp, new { Sinks = names, Oldest = (now - _options.GiveUpAfter).UtcDateTime }, cancellationToken: cancellationToken));
            var lease = (_options.Timeout + _options.RetryDelay) * (_options.Retries + 1) * 2 + TimeSpan.FromMinutes(1);
            claimed = [.. await connection.QueryAsync<(long, string)>(new CommandDefinition(
                Claim, new { Sinks = names, Now = now.UtcDateTime, LeaseUntil = (now + lease).UtcDateTime }, cancellationToken: cancellationToken))];
            notifications = [.. await connection.QueryAsync<Notification>(new CommandDefinition(
                Load, new { Ids = claimed.Select(c => c.NotificationId).Distinct().ToArray() }, cancellationToken: cancellationToken))];
        }

        var delivered = 0;
        foreach (var sink in Sinks)
        {
            var mine = claimed.Where(c => c.Sink == sink.Name).Select(c => c.NotificationId).ToHashSet();
            foreach (var batch in notifications.Where(n => mine.Contains(n.NotificationId)).Chunk(BatchSize))
            {
                var (attempts, error) = await SendAsync(sink, batch, cancellationToken);
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                var ids = batch.Select(n => n.NotificationId).ToArray();
                var booked = new { Sink = sink.Name, Ids = ids, Attempts = attempts, Now = _clock.GetUtcNow().UtcDateTime, Error = error };
                await connection.ExecuteAsync(new CommandDefinition(error is null ? Sent : Failed, booked, cancellationToken: cancellationToken));
                if (error is null)
                {
                    delivered += batch.Length;
                    LogSent(_log, batch.Length, sink.Name, attempts);
                }
                else
                {
                    LogFailed(_log, batch.Length, sink.Name, attempts, error);
                }
            }
        }

        return delivered;
    }

    /// <summary>One message to one sink, retried; returns the attempts made and, if it was not accepted, why (credentials masked).</summary>
    private async Task<(int Attempts, string? Error)> SendAsync(NotificationSink sink, IReadOnlyList<Notification> batch, CancellationToken cancellationToken)
    {
        var attempts = 0;
        string? error = null;
        try
        {
            await _retry.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    error = await AttemptAsync(sink, batch, token);
                    if (error is not null)
                    {
                        throw new SinkRefusedException();
                    }
                },
                cancellationToken);
            return (attempts, null);
        }
        catch (SinkRefusedException)
        {
            foreach (var secret in sink.Secrets)
            {
                error = error!.Replace(secret, "***", StringComparison.Ordinal);
            }

            return (attempts, error);
        }
    }

    private async Task<string?> AttemptAsync(NotificationSink sink, IReadOnlyList<Notification> batch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var request = sink.Request(batch, _clock.GetUtcNow());
            using var response = await _http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            return sink.Refusal(response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {_options.Timeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException ex)
        {
            // Never ex.Message: some handlers put the request URI (and with it the webhook's token) into it.
            return $"network error ({ex.HttpRequestError})";
        }
    }

    private sealed class SinkRefusedException : Exception;

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Sent {Count} notification(s) to {Sink} ({Attempts} attempt(s))")]
    private static partial void LogSent(ILogger logger, int count, string sink, int attempts);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Could not send {Count} notification(s) to {Sink} after {Attempts} attempt(s): {Error}; the next run tries again")]
    private static partial void LogFailed(ILogger logger, int count, string sink, int attempts, string error);
}
