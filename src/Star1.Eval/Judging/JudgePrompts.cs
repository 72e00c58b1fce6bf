namespace Star1.Eval.Judging;

/// <summary>
/// The judges' prompt templates, relative to the repository root (read through a stage's declared prompt reader,
/// as <see cref="Star1.Data.Deliberation.PromptFiles"/> are, so editing one re-judges exactly what it judged).
/// </summary>
public static class JudgePrompts
{
    /// <summary>XSTest over-refusal labels (PAPER.md section 6); placeholders <c>{{question}}</c>, <c>{{answer}}</c>.</summary>
    public const string XsTest = "prompts/xstest_judge.md";

    /// <summary>StrongREJECT rubric (an extra column beyond the paper); placeholders <c>{{question}}</c>, <c>{{response}}</c>.</summary>
    public const string StrongReject = "prompts/strongreject_rubric.md";
}
