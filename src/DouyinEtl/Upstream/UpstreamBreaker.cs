namespace DouyinEtl.Upstream;

/// <summary>
/// The run's circuit breaker for a dead or hanging TikHub: calls that got no answer (network errors, timeouts) or a
/// 5xx, <c>Sync:BreakerConsecutiveFailures</c> of them in a row across the run's units with no answer in between and
/// none for at least <c>Sync:BreakerWindow</c> — or any two of them with no answer for twice that window — stop the run. Any other answer (a 200, a 4xx, a 429) shows TikHub is
/// there and closes it again. Counted per call, not per unit: a unit retries for minutes against a hanging server.
/// </summary>
internal sealed class UpstreamBreaker(int consecutiveFailures, TimeSpan window, string baseUrl, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset _lastAnswer = clock.GetUtcNow();

    /// <summary>TikHub answered (anything but a 5xx): the failures so far were passing.</summary>
    public void Answered()
    {
        lock (_lock)
        {
            _failures = 0;
            _lastAnswer = clock.GetUtcNow();
        }
    }

    /// <summary>A call got no answer or a 5xx because of <paramref name="cause"/>: the exception that stops the run once the breaker trips, else null.</summary>
    public UpstreamUnreachableException? Failed(string cause)
    {
        if (consecutiveFailures <= 0)
        {
            return null;
        }

        lock (_lock)
        {
            _failures++;
            var silent = clock.GetUtcNow() - _lastAnswer;
            // Also tripped by silence alone: when few calls are out at once (units waiting behind an account's first call),
            // collecting the failures would take several rounds of the attempt timeout against a hanging TikHub.
            var tripped = (_failures >= consecutiveFailures && silent >= window) || (_failures >= 2 && silent >= 2 * window);
            return tripped ? new UpstreamUnreachableException(baseUrl, cause, _failures, silent) : null;
        }
    }

    /// <summary>Calls that got no answer are those: a transport failure or timeout (no status), 408 or a 5xx.</summary>
    public static bool IsUnanswered(int? httpStatus) => httpStatus is null or 408 or >= 500;
}

/// <summary>The breaker tripped: TikHub gave no answer for long enough that every further unit would only wait and retry.</summary>
internal sealed class UpstreamUnreachableException(string baseUrl, string cause, int failures, TimeSpan silent)
    : Exception(string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"TikHub unreachable at {baseUrl}: {cause} ({failures} calls in a row without an answer, none for {silent.TotalSeconds:0} s); units not attempted stay due for the next run"));
