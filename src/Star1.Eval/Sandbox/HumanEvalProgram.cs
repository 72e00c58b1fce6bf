using System.Text.RegularExpressions;

namespace Star1.Eval.Sandbox;

/// <summary>
/// Builds the program HumanEval runs for one item: the solution, then the item's tests, then the call that
/// runs them. The solution comes from the model's completion by these rules, in order:
/// 1. Reasoning is not code. Everything up to the last &lt;/think&gt; is dropped (R1-style models often emit only
///    the closing tag, the opening one being in the chat template). A &lt;think&gt; that never closes means the
///    model ran out of tokens before answering: there is no solution, and the item fails as written.
/// 2. Chat models wrap code in Markdown fences. When the remaining text has fenced blocks, the code is taken from
///    them: blocks tagged python (py, python3) first, untagged ones otherwise; others (bash, text) are examples
///    or output, not the solution. Of those, the last block that defines the entry point wins, since a model
///    that rewrites its function puts the final version last; when none defines it, the first block is a body
///    continuation. A fence left open (the token budget ran out) runs to the end of the text.
/// 3. Without fences, the text is kept byte for byte: a base model's continuation of the prompt starts
///    indented inside the function, and trimming it would break the indentation.
/// 4. When the code defines the entry point itself (a top-level "def entry_point("), it is the whole function:
///    appending it to the prompt would leave the prompt's unfinished function before it, an indentation error.
///    It is used as is, after the part of the prompt that precedes the function (its imports and helper
///    functions, which the solution may use without repeating). Otherwise the code continues the prompt.
/// </summary>
public static partial class HumanEvalProgram
{
    public static string Build(string prompt, string completion, string test, string entryPoint)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentException.ThrowIfNullOrWhiteSpace(entryPoint);
        var code = ExtractCode(completion, entryPoint);
        var solution = Definition(entryPoint).Match(code).Success ? Preamble(prompt, entryPoint) + code : prompt + code;
        return $"{solution}\n\n\n{test}\n\n\ncheck({entryPoint})\n";
    }

    /// <summary>The code in a completion (rules 1 to 3).</summary>
    internal static string ExtractCode(string completion, string entryPoint)
    {
        var text = completion.Replace("\r\n", "\n", StringComparison.Ordinal);
        var close = text.LastIndexOf("</think>", StringComparison.Ordinal);
        if (close >= 0) text = text[(close + "</think>".Length)..];
        else if (text.Contains("<think>", StringComparison.Ordinal)) return "";

        var blocks = Fence().Matches(text).Select(m => (Language: m.Groups["lang"].Value.ToLowerInvariant(), Code: m.Groups["code"].Value)).ToList();
        if (blocks.Count == 0) return text;
        var python = blocks.Where(b => b.Language is "python" or "py" or "python3").Select(b => b.Code).ToList();
        var chosen = python.Count > 0 ? python : blocks.Where(b => b.Language.Length == 0).Select(b => b.Code).ToList();
        if (chosen.Count == 0) return text;
        var definition = Definition(entryPoint);
        return chosen.LastOrDefault(definition.IsMatch) ?? chosen[0];
    }

    private static string Preamble(string prompt, string entryPoint)
    {
        var match = Definition(entryPoint).Match(prompt);
        return match.Success ? prompt[..match.Index] : "";
    }

    private static Regex Definition(string entryPoint) =>
        new($@"^def\s+{Regex.Escape(entryPoint)}\s*\(", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    [GeneratedRegex(@"^[ \t]*```[ \t]*(?<lang>[\w+.-]*)[^\n]*\n(?<code>.*?)(?:^[ \t]*```|\z)", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Fence();
}
