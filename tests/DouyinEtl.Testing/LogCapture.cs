using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DouyinEtl.Testing;

/// <summary>Keeps every log line the worker wrote — message, scopes and exception text — so tests can search them.</summary>
/// <remarks>Scopes come from the logger factory's shared scope provider, as with the console logger, so a scope opened on one logger (the run's) shows on lines of another (the client's).</remarks>
internal sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var active = new List<string>();
            capture._scopes.ForEachScope((scope, list) => list.Add(Describe(scope)), active);
            var scopes = active.Count > 0 ? " [" + string.Join(", ", active) + "]" : "";
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? " {" + string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) + "}"
                : "";
            capture._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{properties}{scopes}{(exception is null ? "" : "\n" + exception)}");
        }

        private static string Describe(object? scope) => scope is IEnumerable<KeyValuePair<string, object>> pairs
            ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : scope?.ToString() ?? "";
    }
}
