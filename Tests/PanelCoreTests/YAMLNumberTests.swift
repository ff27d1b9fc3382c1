import Testing
import Yams
@testable import PanelCore

/// Whole numbers in workflow, rule and review files: plain decimals are read by hand, the rest by
/// Yams, and either way the number is the one Yams reads.
@Suite("YAML whole numbers")
struct YAMLNumberTests {
    @Test func wholeNumbersReadAsYamsReadsThem() {
        let texts = ["14", "0", "-3", "+7", "-0", "+0", "-07", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                     "99999999999999999999", "007", "0x1F", "0o17", "0b101", "1_000", "1:30", "14.0", "1e3", "", "-", "+", "abc", "١٤", " 14"]
        for text in texts {
            for style in [Node.Scalar.Style.any, .plain, .singleQuoted, .doubleQuoted, .literal] {
                let node = Node.scalar(Node.Scalar(text, Tag(.str), style))
                #expect(YAMLReader.int(node) == node.int, "'\(text)' (\(style))")
            }
        }
        #expect(YAMLReader.int(Node.scalar(Node.Scalar("14"))) == 14)
        #expect(YAMLReader.int(Node.scalar(Node.Scalar("1_000"))) == 1_000)
        #expect(YAMLReader.int(Node.sequence(Node.Sequence([]))) == nil)
    }
}
