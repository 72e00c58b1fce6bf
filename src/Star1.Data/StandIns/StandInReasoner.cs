using System.Text;
using System.Text.RegularExpressions;
using Star1.Data.Deliberation;

namespace Star1.Data.StandIns;

/// <summary>
/// STAND-IN for DeepSeek-R1 (paper section 2.2 and appendix E), used by the offline default profile.
/// <para>
/// Safety prompt (it has a <c>&lt;policies&gt;</c> block): the reasoning restates the request, checks it against
/// each given policy citing rules as "Category, rule N", and ends with "Decision: refuse" when the question asks
/// for something operational (how to, steps, write, find, ...) and "Decision: safe-complete" otherwise (for
/// "Other", "Decision: comply"). The answer is drawn from the cited rules: a refusal followed by each policy's
/// redirect rule, or a general answer following each policy's safe-complete rule; it never mentions the policies.
/// </para>
/// <para>
/// On purpose, a hash of the question makes about a third of the traces imperfect in one way each, so the
/// scorer has something to catch and Select has to choose: an irrelevant category cited (10%), analysis leaked
/// into the answer (7%), no rule cited (5%), an answer that contradicts the decision (4%), a repeated sentence
/// (4%), no reasoning at all (3%).
/// </para>
/// <para>
/// Benign prompt (no <c>&lt;policies&gt;</c> block): a plan and a helpful three-step answer outline; a few
/// answers hedge (6%) or refuse (4%), and a few reasonings skip the plan (6%).
/// </para>
/// </summary>
internal static partial class StandInReasoner
{
    [GeneratedRegex(@"\b(how (do|can|to|would|should|much|many)|steps?|make|build|write|create|give me|find|get|buy|hack|teach|describe|explain how|best way|ways? to|help me|generate|draft|tell me)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Operational();

    public enum Flaw { None, IrrelevantCitation, LeakedAnalysis, NoCitation, Inconsistent, Redundant, NoReasoning }

    /// <summary>Which imperfection (if any) a question's trace gets; exposed so tests can find examples of each.</summary>
    public static Flaw FlawOf(string question) => StableHash.Percent(question, "reason-flaw") switch
    {
        < 10 => Flaw.IrrelevantCitation,
        < 17 => Flaw.LeakedAnalysis,
        < 22 => Flaw.NoCitation,
        < 26 => Flaw.Inconsistent,
        < 30 => Flaw.Redundant,
        < 33 => Flaw.NoReasoning,
        _ => Flaw.None,
    };

    public static Llm.ChatAnswer Answer(string prompt)
    {
        var question = PromptBlocks.Get(prompt, "question", OfflineProvider.Reasoner);
        return PromptBlocks.Has(prompt, "policies")
            ? Safety(prompt, question, PromptBlocks.Policies(PromptBlocks.Get(prompt, "policies", OfflineProvider.Reasoner), OfflineProvider.Reasoner))
            : Benign(prompt, question);
    }

    private static Llm.ChatAnswer Safety(string prompt, string question, IReadOnlyList<Policy> policies)
    {
        var flaw = FlawOf(question);
        bool refuse = Operational().IsMatch(question);
        string decision = policies.Count == 0 ? "comply" : refuse ? "refuse" : "safe-complete";
        int ruleNo = refuse ? 1 : 2;

        var think = new StringBuilder();
        think.Append(Opening(prompt)).Append(Shorten(question)).Append("\"\n");
        think.Append(refuse
            ? "This asks for concrete help, so the question is whether giving it could enable harm.\n"
            : "This asks for information or an opinion rather than concrete steps, so a careful general answer may be possible.\n");
        if (policies.Count == 0)
            think.Append("None of the safety policies covers this request, so a normal helpful answer is appropriate.\n");
        foreach (var p in policies)
        {
            string cite(int n) => flaw == Flaw.NoCitation ? "this policy" : $"{p.Category}, rule {n}";
            think.Append("Checking it against ").Append(p.Category).Append(": the objective is to ")
                 .Append(LowerFirst(p.Objective.TrimEnd('.'))).Append(".\n");
            think.Append(refuse
                ? $"Under {cite(1)}, requests like this are declined: {LowerFirst(p.Rules[0].Text)}\n"
                : $"Under {cite(2)}, a general answer is allowed: {LowerFirst(p.Rules[1].Text)}\n");
            think.Append($"{Capital(cite(3))} also applies, so the answer should {LowerFirst(p.Rules[2].Text)}\n");
        }
        if (flaw == Flaw.IrrelevantCitation && policies.Count > 0)
        {
            var unrelated = SafetyCategories.All.Where(c => policies.All(p => p.Category != c))
                .ElementAt((int)(StableHash.Of(question, "unrelated") % (ulong)(SafetyCategories.All.Count - policies.Count)));
            think.Append($"{unrelated}, rule 2 is relevant here as well.\n");
        }
        think.Append("Decision: ").Append(decision);

        bool writeRefusal = flaw == Flaw.Inconsistent ? !refuse : refuse;
        var answer = new StringBuilder();
        if (flaw == Flaw.LeakedAnalysis && policies.Count > 0)
            answer.Append($"Following {policies[0].Category}, rule {ruleNo}, my decision is to {decision}. ");
        if (policies.Count == 0)
            answer.Append("Here is a general answer: start from reliable, well-established sources, and ask if you want more detail on any part.");
        else if (writeRefusal)
        {
            answer.Append("I can't help with that request.");
            foreach (var p in policies) answer.Append(' ').Append(AsOffer(p.Rules[2].Text));
        }
        else
        {
            answer.Append("Here is what I can share at a general level.");
            foreach (var p in policies) answer.Append(' ').Append(AsOffer(p.Rules[1].Text));
            answer.Append(' ').Append(AsOffer(policies[^1].Rules[2].Text));
        }
        if (flaw == Flaw.Redundant && policies.Count > 0) answer.Append(' ').Append(AsOffer(policies[0].Rules[2].Text));

        return StandInJson.Answer(answer.ToString(), flaw == Flaw.NoReasoning ? null : think.ToString(), prompt);
    }

    private static Llm.ChatAnswer Benign(string prompt, string question)
    {
        int bucket = StableHash.Percent(question, "benign-flaw");
        var topic = Shorten(question.TrimEnd('?', '.', '!'));
        var think = new StringBuilder();
        think.Append(Opening(prompt)).Append(Shorten(question)).Append("\"\n");
        think.Append("Despite the wording, this is an ordinary, harmless request, so I should simply help.\n");
        if (bucket is >= 10 and < 16)
            think.Append("I will just answer.");
        else
            think.Append("Plan: 1. clarify the goal; 2. give the main steps; 3. add practical tips.");

        string answer = bucket switch
        {
            < 4 => "I can't help with that.",
            < 10 => $"I'm not comfortable going into detail here, but in general: {topic} is best approached carefully and with expert help.",
            _ => $"Here is how to approach it ({topic}):\n1. Clarify what you want to achieve and what you already have.\n" +
                 "2. Work through the main steps one at a time, checking the result of each.\n" +
                 "3. Keep notes and ask for feedback; small adjustments usually fix what does not work at first.",
        };
        return StandInJson.Answer(answer, think.ToString(), prompt);
    }

    /// <summary>
    /// How the trace starts, chosen by a hash of the whole prompt: like a real model, the stand-in's wording
    /// depends on everything it is told, so an edited template changes its answers (and what follows re-runs)
    /// while its decisions and flaws, which depend on the question and policies only, stay the same.
    /// </summary>
    private static string Opening(string prompt) => (StableHash.Of(prompt, "opening") % 3) switch
    {
        0 => "The user asks: \"",
        1 => "The request reads: \"",
        _ => "What the user wants: \"",
    };

    // "Point to crisis support ..." -> "I can point to crisis support ...": a rule written for the assistant,
    // turned into an offer to the user.
    private static string AsOffer(string rule) => "I can " + LowerFirst(rule.TrimEnd('.')) + ".";

    private static string LowerFirst(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];
    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    private static string Shorten(string s)
    {
        var one = s.ReplaceLineEndings(" ");
        return one.Length <= 160 ? one : one[..157] + "...";
    }
}
