namespace Star1.Eval.Judging;

/// <summary>
/// Llama-Guard-3's verdict on one [prompt, response] pair (PAPER.md section 6): safe or unsafe, the hazard
/// codes it named for an unsafe verdict ("S1".."S14", see <see cref="Star1.Chat.Formats.LlamaGuard3Format.Categories"/>),
/// and the judge's output as it came, kept so a verdict can always be traced back to what the judge said.
/// </summary>
public sealed record SafetyVerdict(bool Safe, IReadOnlyList<string> Categories, string Raw);
