using System.Collections;

namespace DouyinEtl.Observability;

/// <summary>
/// A log scope's named values. JSON logs take them as properties; the one-line text format prints the scope's
/// <see cref="ToString"/>, which for a plain dictionary is its type name.
/// </summary>
internal sealed class LogScope(params KeyValuePair<string, object>[] values) : IReadOnlyList<KeyValuePair<string, object>>
{
    public int Count => values.Length;

    public KeyValuePair<string, object> this[int index] => values[index];

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(' ', values.Select(v => $"{v.Key}={v.Value}"));
}
