using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Star1.Pipeline.Params;

/// <summary>The kinds of value params.yaml holds. The base file fixes each key's kind; overrides must keep it.</summary>
public enum ParamKind { Map, List, String, Int, Float, Bool, Null }

/// <summary>
/// One value of the params tree, with where it came from (file and line, a profile, or --set), so every
/// error can point at the exact place to fix.
/// </summary>
public sealed class ParamNode
{
    public ParamKind Kind { get; }
    public string Origin { get; }
    public string? Scalar { get; }
    public IReadOnlyList<ParamNode> Items { get; } = [];
    public IReadOnlyDictionary<string, ParamNode> Children => children;
    private readonly Dictionary<string, ParamNode> children = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

    private ParamNode(ParamKind kind, string origin, string? scalar = null, IReadOnlyList<ParamNode>? items = null)
    {
        Kind = kind;
        Origin = origin;
        Scalar = scalar;
        Items = items ?? [];
    }

    public static ParamNode NewMap(string origin) => new(ParamKind.Map, origin);
    public static ParamNode NewList(string origin, IReadOnlyList<ParamNode> items) => new(ParamKind.List, origin, items: items);
    public static ParamNode NewScalar(ParamKind kind, string? text, string origin) => new(kind, origin, text);

    public IEnumerable<string> Keys => order;

    internal void Set(string key, ParamNode value)
    {
        if (!children.ContainsKey(key)) order.Add(key);
        children[key] = value;
    }

    public bool IsScalar => Kind is not (ParamKind.Map or ParamKind.List);

    public string AsString() => Kind == ParamKind.Null ? "" : Scalar ?? throw Mismatch("a text value");

    public long AsInt() => Kind == ParamKind.Int
        ? long.Parse(Scalar!, CultureInfo.InvariantCulture)
        : throw Mismatch("a whole number");

    public double AsDouble() => Kind is ParamKind.Int or ParamKind.Float
        ? double.Parse(Scalar!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : throw Mismatch("a number");

    // "True" and "TRUE" are typed Bool too (YAML 1.2 core schema), so the comparison ignores case.
    public bool AsBool() => Kind == ParamKind.Bool ? string.Equals(Scalar, "true", StringComparison.OrdinalIgnoreCase) : throw Mismatch("true or false");

    private ParamsException Mismatch(string wanted) => new($"{Origin}: expected {wanted}, found {Describe()}");

    public string Describe() => Kind switch
    {
        ParamKind.Map => "a group of keys",
        ParamKind.List => "a list",
        ParamKind.Null => "nothing (null)",
        ParamKind.String => $"the text '{Scalar}'",
        _ => $"{Kind.ToString().ToLowerInvariant()} {Scalar}",
    };

    /// <summary>
    /// Canonical JSON: keys sorted, numbers in invariant round-trip form. Two spellings of the same value
    /// (0.6 and 0.60, quoted or not) give the same text, so fingerprints change only when meaning does.
    /// </summary>
    public string ToCanonicalJson()
    {
        var buffer = new MemoryStream();
        // Relaxed escaping: the lock and the reasons show 'a+b' and "it's" as written, not as \u002B / \u0027.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteCanonical(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal void WriteCanonical(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case ParamKind.Map:
                writer.WriteStartObject();
                foreach (var key in order.Order(StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    children[key].WriteCanonical(writer);
                }
                writer.WriteEndObject();
                break;
            case ParamKind.List:
                writer.WriteStartArray();
                foreach (var item in Items) item.WriteCanonical(writer);
                writer.WriteEndArray();
                break;
            case ParamKind.Null: writer.WriteNullValue(); break;
            case ParamKind.Bool: writer.WriteBooleanValue(AsBool()); break;
            case ParamKind.Int: writer.WriteNumberValue(AsInt()); break;
            case ParamKind.Float: writer.WriteNumberValue(AsDouble()); break;
            default: writer.WriteStringValue(Scalar); break;
        }
    }
}

/// <summary>A problem with params.yaml, a profile or a --set: raised before any stage runs.</summary>
public sealed class ParamsException(string message) : Exception(message);
