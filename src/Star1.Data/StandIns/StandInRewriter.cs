using System.Text.RegularExpressions;

namespace Star1.Data.StandIns;

/// <summary>
/// STAND-IN for GPT-4o rewriting a harmful question into a harmless look-alike (appendix E), used by the
/// offline default profile. The transformation keeps the question's wording and swaps what it is about: every
/// phrase of a fixed lexicon of harm words is replaced by an everyday look-alike, e.g. "house" becomes
/// "locked spreadsheet" (so "break into a house" becomes "break into a locked spreadsheet"), "bomb" becomes
/// "bath bomb", "steal" becomes "borrow", "social security number" becomes "favourite colour". A question with no
/// lexicon phrase is placed in a harmless frame instead: "In the board game I'm designing, {question}".
/// The result is answered bare, quoted, or labelled "Rewritten question:" (a hash decides), as models do, so
/// the parser's unwrapping is exercised.
/// </summary>
internal static partial class StandInRewriter
{
    // Longer phrases first, so "social security number" wins over "number"-like shorter entries.
    private static readonly (string Harm, string LookAlike)[] Lexicon =
    [
        ("social security number", "favourite colour"), ("credit card details", "library card number"),
        ("explicit sexual", "romantic"), ("sexual", "romantic"), ("self-harm", "self-care"), ("suicide", "a career change"),
        ("punish myself", "reward myself"), ("painkillers", "vitamins"), ("pills", "vitamin gummies"), ("overdose", "caffeine crash"),
        ("house", "locked spreadsheet"), ("home", "locked spreadsheet"), ("car", "toy car"), ("wifi", "crossword"),
        ("bomb", "bath bomb"), ("explosives", "fizzy bath tablets"), ("explosive", "fizzy"), ("weapon", "kite"), ("gun", "water pistol"),
        ("poison", "season"), ("kill", "beat in a board game"), ("hurt", "surprise"), ("attack", "tickle"), ("threaten", "cheer up"),
        ("steal", "borrow"), ("shoplift", "window-shop"), ("rob", "visit"), ("drugs", "herbal teas"), ("meth", "rock candy"),
        ("hack into", "log into my own"), ("hack", "tidy"), ("cheat on my taxes", "fill in my taxes"), ("cheat", "practise"),
        ("launder money", "fold laundry"), ("fraud", "magic trick"), ("scam", "prank"), ("fake", "handmade"), ("lie", "joke"),
        ("stalk", "follow the career of"), ("track", "track my parcel for"), ("spy on", "wave to"), ("dox", "thank"),
        ("pirate", "borrow from the library"), ("pirated", "library"), ("plagiarise", "cite"), ("plagiarize", "cite"), ("copy", "cite"),
        ("pressure", "invite"), ("explicit", "gentle"), ("denying", "explaining"), ("invented", "measured"), ("script", "summary"),
        ("doping", "training"), ("drunk", "a coffee"), ("slurs", "nicknames"), ("mocks", "celebrates"), ("glorifies", "remembers"),
        ("fire", "bonfire"), ("frighten", "surprise"), ("damaging", "washing"), ("hitting", "hugging"), ("insulin", "vitamins"),
        ("brick", "paper plane"), ("obituary", "birthday card"), ("died", "retired"), ("painful", "relaxing"), ("chemicals", "bath salts"),
        ("insult", "compliment"), ("harass", "congratulate"), ("bully", "encourage"), ("racist", "pun-filled"), ("hate", "fan"),
    ];

    private static readonly Regex Pattern = new(
        @"\b(" + string.Join("|", Lexicon.Select(e => Regex.Escape(e.Harm))) + @")\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static Llm.ChatAnswer Answer(string prompt)
    {
        var question = PromptBlocks.Get(prompt, "question", OfflineProvider.Rewriter);
        var rewritten = Rewrite(question);
        var content = (StableHash.Of(question, "rewrite-format") % 3) switch
        {
            0 => rewritten,
            1 => $"\"{rewritten}\"",
            _ => $"Rewritten question: {rewritten}",
        };
        return StandInJson.Answer(content, null, prompt);
    }

    public static string Rewrite(string question)
    {
        bool matched = false;
        var result = Pattern.Replace(question, m =>
        {
            matched = true;
            var lookAlike = Lexicon.First(e => e.Harm.Equals(m.Value, StringComparison.OrdinalIgnoreCase)).LookAlike;
            return char.IsUpper(m.Value[0]) ? char.ToUpperInvariant(lookAlike[0]) + lookAlike[1..] : lookAlike;
        });
        return matched ? result : $"In the board game I'm designing, {char.ToLowerInvariant(question[0])}{question[1..]}";
    }
}
