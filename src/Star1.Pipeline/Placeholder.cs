namespace Star1.Pipeline; internal static class Placeholder {}
