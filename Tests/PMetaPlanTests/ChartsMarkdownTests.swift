import PMetaPlan
import Testing

@Suite("Charts: markdown tables and documents")
struct ChartsMarkdownTests {
    @Test func tableLinesUpItsColumnsAndMarksAlignment() {
        let table = MarkdownTable(
            header: ["Method", "Peak (MB)", "Fits"], alignments: [.left, .right, .center],
            rows: [["MAML", "54.69", "no"], ["p-Meta", "12.50", "yes"], ["a|b", "0.1"]])
        let expected = """
            | Method | Peak (MB) | Fits |
            | :----- | --------: | :--: |
            | MAML   |     54.69 |  no  |
            | p-Meta |     12.50 | yes  |
            | a\\|b   |       0.1 |      |

            """
        #expect(table.render() == expected)
    }

    @Test func narrowColumnsGetThreeDashesAndLineBreaksBecomeBreakTags() {
        let table = MarkdownTable(header: ["a", "b"], rows: [["x\ny", ""]])
        #expect(table.render() == "| a      | b   |\n| :----- | :-- |\n| x<br>y |     |\n")
    }

    @Test func documentRendersBlocksSeparatedByBlankLines() {
        var document = MarkdownDocument()
        document.heading("Plan for\nResNet-12")
        document.paragraph("Fits a **256 kB** budget.\n")
        document.heading("Layers", level: 2)
        document.bulletList(["conv1: updated", "fc: updated\nbias only"])
        document.codeBlock("let x = \"```\"", language: "swift")
        document.image(altText: "Live memory [MB]", path: "charts/live memory (1).svg", title: "the \"peak\"")
        document.table(MarkdownTable(header: ["a"], rows: [["1"]]))
        let expected = """
            # Plan for ResNet-12

            Fits a **256 kB** budget.

            ## Layers

            - conv1: updated
            - fc: updated
              bias only

            ````swift
            let x = "```"
            ````

            ![Live memory \\[MB\\]](charts/live%20memory%20%281%29.svg "the \\"peak\\"")

            | a   |
            | :-- |
            | 1   |

            """
        #expect(document.render() == expected)
        #expect(MarkdownDocument().render() == "")
    }
}
