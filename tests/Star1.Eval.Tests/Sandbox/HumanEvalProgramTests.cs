using Star1.Eval.Sandbox;

namespace Star1.Eval.Tests.Sandbox;

/// <summary>How a completion becomes the program HumanEval runs (no Python needed).</summary>
public sealed class HumanEvalProgramTests
{
    private const string Prompt = "from typing import List\n\n\ndef add(a: int, b: int) -> int:\n    \"\"\"Add.\"\"\"\n";
    private const string Test = "def check(candidate):\n    assert candidate(2, 3) == 5\n";

    [Fact]
    public void A_body_continuation_is_appended_to_the_prompt_then_the_tests_and_the_check_call()
    {
        var program = HumanEvalProgram.Build(Prompt, "    return a + b\n", Test, "add");

        Assert.Equal(Prompt + "    return a + b\n" + "\n\n\n" + Test + "\n\n\ncheck(add)\n", program);
    }

    [Fact]
    public void Reasoning_up_to_the_closing_think_tag_is_dropped()
    {
        var code = HumanEvalProgram.ExtractCode("<think>\nMaybe `return a - b`?\n```python\nwrong\n```\n</think>\n    return a + b\n", "add");

        Assert.Equal("\n    return a + b\n", code);
    }

    [Fact]
    public void Only_a_closing_think_tag_still_ends_the_reasoning()
    {
        Assert.Equal("\n    return a + b", HumanEvalProgram.ExtractCode("the template opened it\n</think>\n    return a + b", "add"));
    }

    [Fact]
    public void Reasoning_that_never_closes_leaves_no_code()
    {
        Assert.Equal("", HumanEvalProgram.ExtractCode("<think>\nLet me write def add(a, b): return a + b", "add"));
    }

    [Fact]
    public void The_python_fenced_block_is_the_code_not_the_prose_around_it()
    {
        var completion = "Here it is:\n```bash\npython add.py\n```\n```python\n    return a + b\n```\nDone.";

        Assert.Equal("    return a + b\n", HumanEvalProgram.ExtractCode(completion, "add"));
    }

    [Fact]
    public void Of_several_blocks_the_last_that_defines_the_entry_point_wins()
    {
        var completion = "```python\ndef add(a, b):\n    return a - b\n```\nFixed:\n```python\ndef add(a, b):\n    return a + b\n```\n```python\nprint(add(2, 3))\n```";

        Assert.Equal("def add(a, b):\n    return a + b\n", HumanEvalProgram.ExtractCode(completion, "add"));
    }

    [Fact]
    public void An_untagged_fence_counts_when_no_block_is_tagged_python()
    {
        Assert.Equal("    return a + b\n", HumanEvalProgram.ExtractCode("```\n    return a + b\n```", "add"));
    }

    [Fact]
    public void A_fence_left_open_runs_to_the_end()
    {
        Assert.Equal("def add(a, b):\n    return a + b", HumanEvalProgram.ExtractCode("```python\ndef add(a, b):\n    return a + b", "add"));
    }

    [Fact]
    public void A_completion_that_defines_the_function_replaces_the_prompts_function_but_keeps_its_preamble()
    {
        var prompt = "import math\n\n\ndef helper(x):\n    return x * 2\n\n\ndef twice(x):\n    \"\"\"Doubles.\"\"\"\n";
        var completion = "</think>\n```python\ndef twice(x):\n    return helper(x)\n```";

        var program = HumanEvalProgram.Build(prompt, completion, "def check(c):\n    assert c(2) == 4\n", "twice");

        Assert.StartsWith("import math\n\n\ndef helper(x):\n    return x * 2\n\n\ndef twice(x):\n    return helper(x)\n", program);
        Assert.DoesNotContain("Doubles", program); // the prompt's unfinished function is gone
        Assert.EndsWith("check(twice)\n", program);
    }

    [Fact]
    public void A_nested_function_of_the_same_name_is_not_a_redefinition()
    {
        var program = HumanEvalProgram.Build(Prompt, "    def add(x, y):\n        return x + y\n    return add(a, b)\n", Test, "add");

        Assert.StartsWith(Prompt, program);
    }
}
