using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Star1.Pipeline.Params;

/// <summary>
/// Reads params.yaml, applies a profile and the command line's --set overrides, and checks every override
/// against the base file: the base file is the schema (its keys and the kinds of their values), so a typo
/// or a wrong type fails before anything runs, naming the file, line and key.
/// </summary>
public static partial class ParamsLoader
{
    public const string ProfilesKey = "profiles";
    public const string DefaultProfile = "default";

    public static EffectiveParams Load(string path, string? profile = null, IReadOnlyList<string>? sets = null)
    {
        if (!File.Exists(path)) throw new ParamsException($"{path}: file not found");
        return Parse(File.ReadAllText(path), Path.GetFileName(path), profile, sets);
    }

    public static EffectiveParams Parse(string yaml, string fileName, string? profile = null, IReadOnlyList<string>? sets = null)
    {
        var document = ReadYaml(yaml, fileName, withLines: true);
        if (document.Kind != ParamKind.Map) throw new ParamsException($"{fileName}: the top level must be a group of keys");

        var root = ParamNode.NewMap(document.Origin);
        ParamNode? profiles = null;
        foreach (var key in document.Keys)
        {
            if (key == ProfilesKey) profiles = document.Children[key];
            else root.Set(key, document.Children[key]);
        }

        var profileName = string.IsNullOrEmpty(profile) ? DefaultProfile : profile;
        var applied = new List<string>();
        if (profileName != DefaultProfile)
        {
            if (profiles?.Children.TryGetValue(profileName, out var overlay) != true)
            {
                var known = profiles?.Keys.Prepend(DefaultProfile) ?? [DefaultProfile];
                throw new ParamsException($"{fileName}: no profile '{profileName}' under '{ProfilesKey}'; profiles are: {string.Join(", ", known)}");
            }
            if (overlay!.Kind != ParamKind.Map) throw new ParamsException($"{overlay.Origin}: profile '{profileName}' must be a group of keys");
            Merge(root, overlay, $"{ProfilesKey}.{profileName}", "");
            applied.Add($"profile {profileName}");
        }

        foreach (var set in sets ?? [])
        {
            ApplySet(root, set, fileName);
            applied.Add($"--set {set}");
        }
        return new EffectiveParams(root, profileName, applied);
    }

    private static void ApplySet(ParamNode root, string set, string fileName)
    {
        var eq = set.IndexOf('=');
        if (eq <= 0) throw new ParamsException($"--set {set}: expected key.path=value");
        var path = set[..eq].Trim();
        var valueText = set[(eq + 1)..];
        var segments = path.Split('.');
        var parent = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (!parent.Children.TryGetValue(segments[i], out var next) || next.Kind != ParamKind.Map)
                throw UnknownKey($"--set {set}", string.Join('.', segments[..(i + 1)]), parent, fileName);
            parent = next;
        }
        var leaf = segments[^1];
        if (!parent.Children.TryGetValue(leaf, out var existing)) throw UnknownKey($"--set {set}", path, parent, fileName);
        var value = SetValue(valueText, $"--set {set}");
        parent.Set(leaf, Coerce(existing, value, path));
    }

    private static ParamsException UnknownKey(string where, string path, ParamNode parent, string fileName)
    {
        var known = parent.Keys.Any() ? $"; keys here are: {string.Join(", ", parent.Keys)}" : "";
        return new ParamsException($"{where}: unknown key '{path}' (not in {fileName}){known}");
    }

    /// <summary>Merges an overlay into the base, key by key; every key must already exist in the base.</summary>
    private static void Merge(ParamNode target, ParamNode overlay, string where, string prefix)
    {
        foreach (var key in overlay.Keys)
        {
            var value = overlay.Children[key];
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (!target.Children.TryGetValue(key, out var existing))
                throw new ParamsException($"{value.Origin}: {where} sets unknown key '{path}'; keys here are: {string.Join(", ", target.Keys)}");
            if (existing.Kind == ParamKind.Map)
            {
                if (value.Kind != ParamKind.Map) throw new ParamsException($"{value.Origin}: '{path}' must be a group of keys, found {value.Describe()}");
                var copy = ParamNode.NewMap(existing.Origin);
                foreach (var k in existing.Keys) copy.Set(k, existing.Children[k]);
                Merge(copy, value, where, path);
                target.Set(key, copy);
            }
            else target.Set(key, Coerce(existing, value, path));
        }
    }

    /// <summary>Checks an override against the base value's kind; the base value is the schema.</summary>
    private static ParamNode Coerce(ParamNode existing, ParamNode value, string path)
    {
        bool ok = (existing.Kind, value.Kind) switch
        {
            (ParamKind.Null, _) => true,
            (ParamKind.Map, ParamKind.Map) => true,
            (ParamKind.Map, _) => false,
            (_, ParamKind.Map) => false,
            (ParamKind.List, ParamKind.List) => true,
            (ParamKind.List, _) or (_, ParamKind.List) => false,
            (ParamKind.String, _) => true,
            (ParamKind.Float, ParamKind.Int or ParamKind.Float) => true,
            var (a, b) => a == b,
        };
        if (!ok)
            throw new ParamsException($"{value.Origin}: '{path}' expects {KindName(existing.Kind)} (as at {existing.Origin}), found {value.Describe()}");
        // Keep the base's kind for scalars so "1" set on a float key hashes like 1.0 would.
        if (existing.Kind is ParamKind.String or ParamKind.Float && value.IsScalar && value.Kind != ParamKind.Null)
            return ParamNode.NewScalar(existing.Kind, value.Scalar, value.Origin);
        return value;
    }

    private static string KindName(ParamKind kind) => kind switch
    {
        ParamKind.Int => "a whole number",
        ParamKind.Float => "a number",
        ParamKind.Bool => "true or false",
        ParamKind.String => "text",
        ParamKind.List => "a list",
        ParamKind.Map => "a group of keys",
        _ => "any value",
    };

    /// <summary>Parses YAML text into our node tree, keeping line numbers as origins.</summary>
    private static ParamNode ReadYaml(string text, string source, bool withLines)
    {
        var root = YamlSyntaxReader.ReadRoot(text, source, withLines);
        return root is null ? ParamNode.NewMap(source) : Convert(root, source, withLines);
    }

    private static ParamNode Convert(YamlNode node, string source, bool withLines)
    {
        var origin = withLines ? $"{source} line {node.Start.Line}" : source;
        switch (node)
        {
            case YamlMappingNode map:
                var result = ParamNode.NewMap(origin);
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    var keyOrigin = withLines ? $"{source} line {keyNode.Start.Line}" : source;
                    // "[a, b]: 1" is valid YAML with a list as the key; a params key is a name.
                    if (keyNode is not YamlScalarNode keyScalar) throw new ParamsException($"{keyOrigin}: a key must be a name, found a {(keyNode is YamlSequenceNode ? "list" : "group of keys")}");
                    var key = keyScalar.Value ?? "";
                    if (!KeyPattern().IsMatch(key)) throw new ParamsException($"{keyOrigin}: key '{key}' must be letters, digits, '_' or '-'");
                    result.Set(key, Convert(valueNode, source, withLines));
                }
                return result;
            case YamlSequenceNode list:
                return ParamNode.NewList(origin, list.Children.Select(c => Convert(c, source, withLines)).ToList());
            case YamlScalarNode scalar:
                return ParamNode.NewScalar(KindOf(scalar), scalar.Value, origin);
            default:
                throw new ParamsException($"{origin}: unsupported YAML node");
        }
    }

    /// <summary>
    /// A --set value: a flow list or map ("[a, b]") is read as YAML; anything else is one scalar taken as
    /// typed, so shell-friendly text such as "?" or "a: b" stays text instead of tripping the YAML parser.
    /// </summary>
    private static ParamNode SetValue(string text, string origin)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('[') || trimmed.StartsWith('{')) return ReadYaml(trimmed, origin, withLines: false);
        if (trimmed.Length >= 2 && (trimmed[0] == '"' && trimmed[^1] == '"' || trimmed[0] == '\'' && trimmed[^1] == '\''))
            return ParamNode.NewScalar(ParamKind.String, trimmed[1..^1], origin);
        return ParamNode.NewScalar(KindOfPlain(trimmed), trimmed, origin);
    }

    /// <summary>YAML 1.2 core-schema typing for plain scalars; quoted scalars are always text.</summary>
    private static ParamKind KindOf(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded
            ? ParamKind.String
            : KindOfPlain(scalar.Value ?? "");

    private static ParamKind KindOfPlain(string v)
    {
        if (v is "" or "~" or "null" or "Null" or "NULL") return ParamKind.Null;
        if (v is "true" or "True" or "TRUE" or "false" or "False" or "FALSE") return ParamKind.Bool;
        if (IntPattern().IsMatch(v)) return ParamKind.Int;
        if (FloatPattern().IsMatch(v)) return ParamKind.Float;
        return ParamKind.String;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_\-]+$")] private static partial Regex KeyPattern();
    [GeneratedRegex(@"^[-+]?[0-9]+$")] private static partial Regex IntPattern();
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")] private static partial Regex FloatPattern();
}
