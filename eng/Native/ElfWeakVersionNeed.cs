// Marks chosen symbol-version needs of an ELF shared library as weak (VER_FLG_WEAK), in place.
//
// Why: TorchSharp's libLibTorchSharp.so is linked against a libstdc++ that has GLIBCXX_3.4.32, and
// records that it needs that version for a single symbol it never calls on our paths
// (std::ios_base_library_init). Debian 12 ships GLIBCXX_3.4.30, so the dynamic loader refuses the
// library outright. A weak version need is only a warning for the loader, so the library loads and
// every symbol it does use resolves as before. No package offers a newer libstdc++ for Debian 12.
//
// This file is compiled twice: by MSBuild as an inline task (Directory.Build.targets runs it after
// every build, on each output folder that received the library) and into the modeling tests, which
// check the flag and then load torch. Plain C#, no MSBuild types, so both can use it.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Star1.Native
{
    public static class ElfWeakVersionNeed
    {
        const uint ShtGnuVerneed = 0x6ffffffe; // section type of .gnu.version_r
        const ushort VerFlgWeak = 0x2;

        /// <summary>Sets VER_FLG_WEAK on every version need of <paramref name="path"/> named in
        /// <paramref name="versions"/>. Returns the names it changed now (empty when the file was already
        /// patched or never needed them). Throws with the file name when the file is not a 64-bit
        /// little-endian ELF or has no version-needs section.</summary>
        public static List<string> MarkWeak(string path, ICollection<string> versions)
        {
            byte[] elf = File.ReadAllBytes(path);
            List<string> changed = new List<string>();
            foreach (Need need in ReadNeeds(path, elf))
            {
                if (!versions.Contains(need.Name) || (need.Flags & VerFlgWeak) != 0) continue;
                WriteU16(elf, need.FlagsOffset, (ushort)(need.Flags | VerFlgWeak));
                changed.Add(need.Name);
            }
            if (changed.Count == 0) return changed;
            // Write beside and rename, so a build killed here never leaves a half-written library.
            string temp = path + ".weak.tmp";
            File.WriteAllBytes(temp, elf);
            File.Replace(temp, path, null); // a rename on Unix (netstandard2.0 has no Move with overwrite)
            return changed;
        }

        /// <summary>Every (library, version) need of the file with its flags, for checks and messages.</summary>
        public static List<Need> ReadNeeds(string path)
        {
            return ReadNeeds(path, File.ReadAllBytes(path));
        }

        public sealed class Need
        {
            public Need(string library, string name, ushort flags, int flagsOffset)
            {
                Library = library; Name = name; Flags = flags; FlagsOffset = flagsOffset;
            }
            public string Library { get; }
            public string Name { get; }
            public ushort Flags { get; }
            public bool IsWeak => (Flags & VerFlgWeak) != 0;
            internal int FlagsOffset { get; }
        }

        static List<Need> ReadNeeds(string path, byte[] elf)
        {
            // ELF header: magic, class 2 (64-bit), data 1 (little-endian).
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException($"{path}: not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"{path}: only 64-bit little-endian ELF files are handled");
            long shoff = (long)ReadU64(elf, 0x28);
            int shentsize = ReadU16(elf, 0x3A);
            int shnum = ReadU16(elf, 0x3C);

            for (int i = 0; i < shnum; i++)
            {
                int sh = checked((int)(shoff + (long)i * shentsize));
                if (ReadU32(elf, sh + 4) != ShtGnuVerneed) continue;
                int offset = checked((int)ReadU64(elf, sh + 0x18));
                uint link = ReadU32(elf, sh + 0x28);   // the string table the names live in
                uint count = ReadU32(elf, sh + 0x2C);  // sh_info: number of Verneed entries
                int strings = checked((int)ReadU64(elf, checked((int)(shoff + link * shentsize)) + 0x18));
                return Walk(elf, offset, count, strings);
            }
            throw new InvalidDataException($"{path}: no .gnu.version_r section (no symbol versions needed)");
        }

        static List<Need> Walk(byte[] elf, int offset, uint count, int strings)
        {
            List<Need> needs = new List<Need>();
            int verneed = offset;
            for (uint n = 0; n < count; n++)
            {
                // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
                int auxCount = ReadU16(elf, verneed + 2);
                string library = CString(elf, strings + (int)ReadU32(elf, verneed + 4));
                int aux = verneed + (int)ReadU32(elf, verneed + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    ushort flags = ReadU16(elf, aux + 4);
                    string name = CString(elf, strings + (int)ReadU32(elf, aux + 8));
                    needs.Add(new Need(library, name, flags, aux + 4));
                    uint nextAux = ReadU32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = ReadU32(elf, verneed + 12);
                if (next == 0) break;
                verneed += (int)next;
            }
            return needs;
        }

        static string CString(byte[] b, int at)
        {
            int end = Array.IndexOf(b, (byte)0, at);
            return Encoding.ASCII.GetString(b, at, end - at);
        }

        static ushort ReadU16(byte[] b, int at) => (ushort)(b[at] | b[at + 1] << 8);
        static uint ReadU32(byte[] b, int at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
        static ulong ReadU64(byte[] b, int at) => ReadU32(b, at) | (ulong)ReadU32(b, at + 4) << 32;
        static void WriteU16(byte[] b, int at, ushort v) { b[at] = (byte)v; b[at + 1] = (byte)(v >> 8); }
    }
}

#if !STAR1_ELF_ONLY
namespace Star1.Native
{
    /// <summary>The MSBuild face of <see cref="ElfWeakVersionNeed"/>: marks <c>Versions</c> (';'-separated)
    /// weak in each of <c>Files</c>. Idempotent: an already patched file is left untouched.</summary>
    public sealed class MarkVersionNeedsWeak : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        [Microsoft.Build.Framework.Required]
        public string Versions { get; set; } = "";

        public override bool Execute()
        {
            HashSet<string> versions = new HashSet<string>(Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries));
            foreach (Microsoft.Build.Framework.ITaskItem item in Files)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    List<string> changed = ElfWeakVersionNeed.MarkWeak(path, versions);
                    if (changed.Count > 0)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                            $"{path}: marked {string.Join(", ", changed)} weak so the library loads with this libstdc++");
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Log.LogError($"{path}: could not mark symbol versions weak: {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
}
#endif
