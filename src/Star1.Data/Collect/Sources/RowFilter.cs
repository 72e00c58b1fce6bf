namespace Star1.Data.Collect.Sources;

public enum FilterOperator { Equal, NotEqual }

/// <summary>
/// Keeps or drops a row by one column: <c>column == value</c> or <c>column != value</c>.
/// Values are compared as strings, ordinally; when the expected value is a boolean (<c>true</c>/<c>false</c>)
/// the comparison ignores case, so a JSON <c>false</c>, a parquet <c>false</c> and a CSV <c>False</c> all match.
/// A null cell (JSON null, missing parquet value) compares as the empty string.
/// </summary>
public sealed record RowFilter(string Column, FilterOperator Operator, string Value)
{
    public bool Matches(string? cell)
    {
        var comparison = IsBoolean(Value) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        bool equal = string.Equals(cell ?? "", Value, comparison);
        return Operator == FilterOperator.Equal ? equal : !equal;
    }

    public override string ToString() => $"{Column} {(Operator == FilterOperator.Equal ? "==" : "!=")} {Value}";

    /// <summary>
    /// Parses <c>column == value</c> or <c>column != value</c>. White space around both sides is ignored;
    /// the value may be wrapped in single or double quotes to keep spaces or an empty value.
    /// </summary>
    /// <exception cref="FormatException">The text is not of that form; the message quotes it.</exception>
    public static RowFilter Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        int eq = expression.IndexOf("==", StringComparison.Ordinal);
        int ne = expression.IndexOf("!=", StringComparison.Ordinal);
        if (Occurrences(expression, "==") + Occurrences(expression, "!=") != 1)
            throw new FormatException(
                $"filter '{expression}' is not of the form 'column == value' or 'column != value' (exactly one operator)");

        var op = eq >= 0 ? FilterOperator.Equal : FilterOperator.NotEqual;
        int at = eq >= 0 ? eq : ne;
        var column = expression[..at].Trim();
        var value = Unquote(expression[(at + 2)..].Trim());
        if (column.Length == 0)
            throw new FormatException($"filter '{expression}' names no column before '{(eq >= 0 ? "==" : "!=")}'");
        return new RowFilter(column, op, value);
    }

    private static int Occurrences(string text, string op)
    {
        int count = 0;
        for (int at = text.IndexOf(op, StringComparison.Ordinal); at >= 0; at = text.IndexOf(op, at + op.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    private static bool IsBoolean(string value) =>
        value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase);
}
