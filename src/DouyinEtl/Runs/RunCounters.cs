namespace DouyinEtl.Runs;

/// <summary>What one run spent and achieved; written to <c>etl.run</c> at the end.</summary>
internal sealed class RunCounters
{
    private long _calls;
    private long _billedCalls;
    private long _retries;
    private long _throttled;
    private long _rowsWritten;
    private long _unitsDone;
    private long _unitsFailed;
    private long _unitsSkipped;
    private long _problems;

    /// <summary>One attempt sent upstream. TikHub bills only HTTP 200 answers.</summary>
    public void Called(int? httpStatus)
    {
        Interlocked.Increment(ref _calls);
        if (httpStatus == 200)
        {
            Interlocked.Increment(ref _billedCalls);
        }
    }

    public void Retried() => Interlocked.Increment(ref _retries);

    public void Throttled() => Interlocked.Increment(ref _throttled);

    public void RowsWritten(long rows) => Interlocked.Add(ref _rowsWritten, rows);

    public void UnitDone() => Interlocked.Increment(ref _unitsDone);

    public void UnitFailed() => Interlocked.Increment(ref _unitsFailed);

    public void UnitSkipped() => Interlocked.Increment(ref _unitsSkipped);

    public void Problem() => Interlocked.Increment(ref _problems);

    public RunCountersSnapshot Snapshot() => new(
        Interlocked.Read(ref _calls),
        Interlocked.Read(ref _billedCalls),
        Interlocked.Read(ref _retries),
        Interlocked.Read(ref _throttled),
        Interlocked.Read(ref _rowsWritten),
        Interlocked.Read(ref _unitsDone),
        Interlocked.Read(ref _unitsFailed),
        Interlocked.Read(ref _unitsSkipped),
        Interlocked.Read(ref _problems));
}

internal sealed record RunCountersSnapshot(
    long Calls,
    long BilledCalls,
    long Retries,
    long Throttled,
    long RowsWritten,
    long UnitsDone,
    long UnitsFailed,
    long UnitsSkipped,
    long Problems);
