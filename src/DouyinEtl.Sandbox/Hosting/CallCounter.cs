using System.Collections.Concurrent;

namespace DouyinEtl.Sandbox.Hosting;

/// <summary>What the sandbox was asked for, per endpoint: every request, and the ones TikHub would bill (HTTP 200).</summary>
public sealed class CallCounter
{
    private readonly ConcurrentDictionary<string, EndpointCalls> _byEndpoint = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _billedByAccount = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KeyCalls> _byKey = new(StringComparer.Ordinal);

    /// <summary>What came with one API key (known keys only): requests, billed answers, and requests its rate limiter refused.</summary>
    public KeyCalls ForKey(string apiKey) => _byKey.GetOrAdd(apiKey, _ => new KeyCalls());

    /// <summary>Requests refused by the rate limiter (over a key's or a key × endpoint's limit), every key; injected 429s not included.</summary>
    public long TotalOverLimit => _byKey.Values.Sum(k => k.OverLimitCount);

    public EndpointCalls For(string endpoint) => _byEndpoint.GetOrAdd(endpoint, _ => new EndpointCalls());

    public IReadOnlyDictionary<string, EndpointCallsSnapshot> Snapshot() =>
        _byEndpoint.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal);

    public long TotalRequests => _byEndpoint.Values.Sum(e => e.Snapshot().Requests);

    public long TotalBilled => _byEndpoint.Values.Sum(e => e.Snapshot().Billed);

    /// <summary>Billed answers given with this account's cookie (expired and refused cookies included), every endpoint.</summary>
    public long BilledFor(string accountId) => _billedByAccount.GetValueOrDefault(accountId);

    /// <summary>Books a finished request against the account whose cookie it carried (null: none known, or refused before the cookie was read).</summary>
    public void AnsweredFor(string? accountId, int status)
    {
        if (accountId is not null && status == 200)
        {
            _billedByAccount.AddOrUpdate(accountId, 1, (_, n) => n + 1);
        }
    }

    public void Reset()
    {
        _byEndpoint.Clear();
        _billedByAccount.Clear();
        _byKey.Clear();
    }
}

public sealed class EndpointCalls
{
    private long _requests;
    private long _billed;
    private long _throttled;
    private long _failed;
    private long _itemIds;

    public void Requested() => Interlocked.Increment(ref _requests);

    public void Answered(int status)
    {
        if (status == 200)
        {
            Interlocked.Increment(ref _billed);
        }
        else if (status == 429)
        {
            Interlocked.Increment(ref _throttled);
        }
        else
        {
            Interlocked.Increment(ref _failed);
        }
    }

    /// <summary>Counts item ids asked for in one billed call (batched endpoints).</summary>
    public void ItemIds(int count) => Interlocked.Add(ref _itemIds, count);

    public EndpointCallsSnapshot Snapshot() => new(
        Interlocked.Read(ref _requests),
        Interlocked.Read(ref _billed),
        Interlocked.Read(ref _throttled),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _itemIds));
}

public sealed record EndpointCallsSnapshot(long Requests, long Billed, long Throttled, long Failed, long ItemIds);

/// <summary>One API key's calls, with the host timestamp of every request (so a test can see who called when).</summary>
public sealed class KeyCalls
{
    private readonly Lock _gate = new();
    private readonly List<long> _requestedAt = [];
    private readonly List<long> _throttledAt = [];
    private long _billed;
    private long _overLimit;

    public long BilledCount => Interlocked.Read(ref _billed);

    public long OverLimitCount => Interlocked.Read(ref _overLimit);

    public IReadOnlyList<long> RequestedAt
    {
        get
        {
            lock (_gate)
            {
                return [.. _requestedAt];
            }
        }
    }

    /// <summary>When <c>SandboxState.ThrottleNext</c> answered 429.</summary>
    public IReadOnlyList<long> ThrottledAt
    {
        get
        {
            lock (_gate)
            {
                return [.. _throttledAt];
            }
        }
    }

    public void Requested(long timestamp)
    {
        lock (_gate)
        {
            _requestedAt.Add(timestamp);
        }
    }

    public void Billed() => Interlocked.Increment(ref _billed);

    public void OverLimit() => Interlocked.Increment(ref _overLimit);

    public void Throttled(long timestamp)
    {
        lock (_gate)
        {
            _throttledAt.Add(timestamp);
        }
    }
}
