namespace Star1.Host; internal static class Placeholder {}
