using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DouyinEtl.Tests.Infrastructure;

/// <summary>Keeps every log line the worker wrote — message, scopes and exception text — so tests can search them.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, LogCapture capture) : ILogger
    {
        private readonly AsyncLocal<List<object?>> _scopes = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            var scopes = _scopes.Value ??= [];
            scopes.Add(state);
            return new Scope(scopes);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = _scopes.Value is { Count: > 0 } s ? " [" + string.Join(", ", s.Select(Describe)) + "]" : "";
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? " {" + string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) + "}"
                : "";
            capture._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{properties}{scopes}{(exception is null ? "" : "\n" + exception)}");
        }

        private static string Describe(object? scope) => scope is IEnumerable<KeyValuePair<string, object>> pairs
            ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : scope?.ToString() ?? "";

        private sealed class Scope(List<object?> scopes) : IDisposable
        {
            public void Dispose()
            {
                if (scopes.Count > 0)
                {
                    scopes.RemoveAt(scopes.Count - 1);
                }
            }
        }
    }
}
