using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using DouyinEtl.Configuration;
using DouyinEtl.Observability;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace DouyinEtl.Upstream;

/// <summary>
/// Calls TikHub: bearer key, the shared rate limiter inside the retry (so retries pay tokens too), a timeout per attempt,
/// retries for what can pass (429 with Retry-After, 5xx, timeouts, network errors, "Please retry" 400s, garbled 200
/// bodies), the envelope and inner status check. Every attempt is landed raw, cookie removed, before anything else.
/// </summary>
internal sealed partial class TikHubClient
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly TikHubOptions _options;
    private readonly Lazy<IReadOnlyList<UpstreamKey>> _keys;
    private readonly SharedPace _pace;
    private readonly RawLanding _landing;
    private readonly SecretScrubber _scrubber;
    private readonly TimeProvider _clock;
    private readonly ILogger<TikHubClient> _log;
    private readonly EtlMetrics _metrics;
    private readonly ResiliencePipeline<Attempt> _retry;

    public TikHubClient(
        HttpClient http,
        IOptions<TikHubOptions> options,
        SharedPace pace,
        RawLanding landing,
        SecretScrubber scrubber,
        TimeProvider clock,
        ILogger<TikHubClient> log,
        EtlMetrics metrics,
        ResiliencePipeline<Attempt> retry)
    {
        _http = http;
        _options = options.Value;
        _keys = new Lazy<IReadOnlyList<UpstreamKey>>(() => Credentials.ApiKeys(_options) is { Count: > 0 } keys
            ? keys
            : throw new ConfigurationException("No readable TikHub key is configured (TikHub:ApiKey, TikHub:ApiKeyFile or TikHub:ApiKeys): this command may not call upstream."));
        _http.BaseAddress = new Uri(_options.BaseUrl.TrimEnd('/') + "/");
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _pace = pace;
        _landing = landing;
        _scrubber = scrubber;
        _clock = clock;
        _log = log;
        _metrics = metrics;
        _retry = retry;
    }

    /// <summary>
    /// The retry around one request, built once for the process (the client itself is a typed HttpClient, made anew for
    /// each job): what passes with time is tried again, after TikHub's Retry-After when it names one.
    /// </summary>
    public static ResiliencePipeline<Attempt> BuildRetry(TikHubOptions options, ILogger<TikHubClient> log) =>
        new ResiliencePipelineBuilder<Attempt>()
            .AddRetry(new RetryStrategyOptions<Attempt>
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && args.Outcome.Result is { Kind: AnswerKind.Transient }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
                OnRetry = args =>
                {
                    LogRetry(log, args.Outcome.Result?.Endpoint, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Result?.Reason);
                    return default;
                },
            })
            .Build();

    /// <summary>Read at the first call, so commands that never call (status, replay) run without a key.</summary>
    public async Task<UpstreamResponse> CallAsync(IUpstreamRun run, UpstreamRequest request, CancellationToken cancellationToken)
    {
        if (run.CurrentUnit?.Find(request) is { } kept)
        {
            // The unit is being run again after a database outage: this answer is paid for already.
            var keptCallId = kept.CallId ?? await LandAsync(run, request, kept, cancellationToken);
            var data = kept.ReadBack ? await _landing.ReadDataAsync(keptCallId, cancellationToken) : kept.Data;
            return Interpret(run, request, new Attempt(AnswerKind.Success, request.Endpoint, kept.Call.HttpStatus, keptCallId, kept.Call.RequestedAt, null, "kept", data, kept.File));
        }

        var attemptNumber = 0;
        Attempt attempt;
        do
        {
            attempt = await _retry.ExecuteAsync(
                async ct =>
                {
                    attemptNumber++;
                    if (attemptNumber > 1)
                    {
                        run.Counters.Retried();
                    }

                    return await AttemptAsync(run, request, attemptNumber, ct);
                },
                cancellationToken);
        }
        while (attempt.Kind == AnswerKind.Denied && await TakeOutOfPoolAsync(run, request, attempt, cancellationToken));

        return attempt.Kind switch
        {
            AnswerKind.Success => Interpret(run, request, attempt),
            AnswerKind.Denied => throw new UpstreamAccessDeniedException(request.Endpoint, attempt.HttpStatus ?? 0, attempt.Reason),
            _ => throw new UpstreamFailedException(request.Endpoint, $"gave up after {attemptNumber} attempt(s): {attempt.Reason}", attempt.HttpStatus, attempt.CallId),
        };
    }

    private static UpstreamResponse Interpret(IUpstreamRun run, UpstreamRequest request, Attempt attempt)
    {
        if (attempt.File is not null)
        {
            run.CookieWorks(request.Account);
            return new UpstreamResponse(attempt.CallId, attempt.RequestedAt, InnerStatus.Ok, 0, null, default, attempt.File);
        }

        var data = attempt.Data;
        var (code, message) = TikHubAnswer.ReadInnerCode(data);
        var (status, account) = InnerStatuses.Read(code);
        if (account is { } state)
        {
            throw new AccountUnavailableException(request.Account.Id, state, code, message, attempt.CallId);
        }

        // The creator center answered for the account: its cookie works, the account's other units may go ahead.
        run.CookieWorks(request.Account);
        return new UpstreamResponse(attempt.CallId, attempt.RequestedAt, status, code, message, data, null);
    }

    private async ValueTask<Attempt> AttemptAsync(IUpstreamRun run, UpstreamRequest request, int attemptNumber, CancellationToken cancellationToken)
    {
        // No call for an account whose cookie turned out dead, nor once the run stops for good.
        var stopped = run.CallsStopped(request.Account);
        stopped.ThrowIfCancellationRequested();
        run.TakeCallFromBudget();
        using var calls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopped);
        var usable = run.KeyRefusals.Usable(_keys.Value);
        if (usable.Count == 0)
        {
            throw new UpstreamAccessDeniedException(request.Endpoint, 401, "every key of TikHub:ApiKeys was refused in this run");
        }

        var key = await _pace.WaitForSlotAsync(usable, request.Endpoint, calls.Token);

        var requestedAt = _clock.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(calls.Token);
        timeout.CancelAfter(request.ExpectsFile ? _options.DownloadTimeout : _options.AttemptTimeout);

        TikHubAnswer result;
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, UpstreamEndpoints.PathPrefix.TrimStart('/') + request.Endpoint)
            {
                Content = new ByteArrayContent(WireBody(request)) { Headers = { ContentType = JsonContentType } },
            };
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            result = TikHubAnswer.Classify(HttpAnswer.From(response, body), request.ExpectsFile, _clock.GetUtcNow(), _scrubber);
        }
        catch (OperationCanceledException) when (!calls.IsCancellationRequested)
        {
            result = TikHubAnswer.NoAnswer($"no answer within {(request.ExpectsFile ? _options.DownloadTimeout : _options.AttemptTimeout).TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException ex)
        {
            // Abandoned while out (a dead cookie, a run stopping, a shutdown): counted and landed as sent, unbilled.
            await LandAbandonedAsync(run, request, key, attemptNumber, requestedAt, stopwatch.Elapsed, ex);
            throw;
        }
        catch (HttpRequestException ex)
        {
            result = TikHubAnswer.NoAnswer($"network error ({ex.HttpRequestError})");
        }

        stopwatch.Stop();
        run.Counters.Called(result.HttpStatus);
        _metrics.UpstreamCall(request.Endpoint, key.Id, result.HttpStatus);
        if (result.HttpStatus == 429)
        {
            run.Counters.Throttled();
            await _pace.PauseAsync(key, result.RetryAfter ?? TimeSpan.FromSeconds(1), cancellationToken);
        }

        var answer = new KeptAnswer(
            new LandedCall(
                run.RunId,
                request.Account.Id,
                request.Endpoint,
                request.Stream,
                request.Scope,
                attemptNumber,
                request.Body.ToJsonString(),
                requestedAt,
                (int)stopwatch.ElapsedMilliseconds,
                result.HttpStatus,
                result.Outcome,
                result.RequestId,
                result.InnerCode,
                result.ContentType,
                result.PayloadJson,
                result.RawBody,
                result.Reason,
                key.Id),
            result.UnstorableEscapes,
            result.Data,
            result.File);
        if (result.Kind == AnswerKind.Success)
        {
            // Kept before landing: if the database is away, the unit runs again later and lands it then, unpaid.
            run.CurrentUnit?.Keep(request, answer);
        }

        var callId = await LandAsync(run, request, answer, cancellationToken);
        if (!UpstreamBreaker.IsUnanswered(result.HttpStatus))
        {
            run.Breaker?.Answered();
        }
        else if (run.Breaker?.Failed(result.Reason) is { } unreachable)
        {
            throw unreachable;
        }

        return new Attempt(result.Kind, request.Endpoint, result.HttpStatus, callId, requestedAt, result.RetryAfter, result.Reason, result.Data, result.File, key);
    }

    /// <summary>
    /// TikHub refused the attempt's key (401/403): the key leaves the run's pool, named once in a problem, and the
    /// request goes again on another key. False when no key is left: the run stops as with a single refused key.
    /// </summary>
    private async Task<bool> TakeOutOfPoolAsync(IUpstreamRun run, UpstreamRequest request, Attempt attempt, CancellationToken cancellationToken)
    {
        var first = attempt.Key is { } key && run.KeyRefusals.Refuse(key);
        var left = run.KeyRefusals.Usable(_keys.Value);
        if (left.Count == 0)
        {
            return false;
        }

        if (first)
        {
            LogKeyRefused(_log, attempt.Key!.Id, attempt.HttpStatus ?? 0, left.Count);
            await run.RecordProblemAsync(null, request.Stream, null, "key_refused",
                $"TikHub refused key {attempt.Key!.Id} ({attempt.HttpStatus}: {attempt.Reason}): taken out of the pool for the rest of this run; {left.Count} key(s) left ({string.Join(", ", left.Select(k => k.Id))})",
                attempt.CallId, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// An attempt given up while the request was out is still a call: counted, and landed as <c>cancelled</c> when the
    /// database takes it within a few seconds (it may be the reason the run stops).
    /// </summary>
    private async Task LandAbandonedAsync(IUpstreamRun run, UpstreamRequest request, UpstreamKey key, int attemptNumber, DateTimeOffset requestedAt, TimeSpan elapsed, OperationCanceledException cancelled)
    {
        run.Counters.Called(null);
        _metrics.UpstreamCall(request.Endpoint, key.Id, null);
        var call = new LandedCall(run.RunId, request.Account.Id, request.Endpoint, request.Stream, request.Scope, attemptNumber, request.Body.ToJsonString(),
            requestedAt, (int)elapsed.TotalMilliseconds, null, "cancelled", null, null, null, null, null, "abandoned before the answer came: " + cancelled.Message, key.Id);
        using var landing = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _landing.LandAsync(call, landing.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            LogAbandonedNotLanded(_log, request.Endpoint, ex.Message);
        }
    }

    private async Task<long> LandAsync(IUpstreamRun run, UpstreamRequest request, KeptAnswer answer, CancellationToken cancellationToken)
    {
        var callId = await _landing.LandAsync(answer.Call, cancellationToken);
        answer.Landed(callId);
        run.CallLanded(callId);
        if (answer.UnstorableEscapes > 0)
        {
            await run.RecordProblemAsync(request.Account.Id, request.Stream, request.Scope, "payload_field",
                $"{request.Endpoint}: {answer.UnstorableEscapes} escape(s) of U+0000 or of an unpaired surrogate, which PostgreSQL cannot store, read as U+FFFD; the answer's exact bytes are kept in raw.api_call.body",
                callId, cancellationToken);
        }

        return callId;
    }

    private byte[] WireBody(UpstreamRequest request)
    {
        var wire = new JsonObject { ["cookie"] = request.Account.Cookie };
        foreach (var (name, value) in request.Body)
        {
            wire[name] = value?.DeepClone();
        }

        return JsonSerializer.SerializeToUtf8Bytes(wire);
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "TikHub refused key {KeyId} ({Status}): taken out of the pool for this run, {Left} key(s) left")]
    private static partial void LogKeyRefused(ILogger logger, string keyId, int status, int left);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "An abandoned call to {Endpoint} could not be landed: {Reason}")]
    private static partial void LogAbandonedNotLanded(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Retrying {Endpoint} (attempt {Attempt}) in {DelayMs:0} ms after {Reason}")]
    private static partial void LogRetry(ILogger logger, string? endpoint, int attempt, double delayMs, string? reason);

    /// <summary>One attempt as the retry sees it: its kind, and what the next attempt or the caller needs.</summary>
    internal sealed record Attempt(
        AnswerKind Kind,
        string Endpoint,
        int? HttpStatus,
        long CallId,
        DateTimeOffset RequestedAt,
        TimeSpan? RetryAfter,
        string Reason,
        JsonElement Data,
        byte[]? File,
        UpstreamKey? Key = null);
}
