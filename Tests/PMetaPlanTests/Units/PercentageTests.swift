import Testing
@testable import PMetaPlan

@Suite struct PercentageTests {
    static let validPercentages: [(String, Int, Int, String)] = [
        ("5%", 5, 0, "5%"),
        ("5", 5, 0, "5%"),
        (" 5 % ", 5, 0, "5%"),
        ("2.5%", 25, 1, "2.5%"),
        ("2.50%", 25, 1, "2.5%"),
        ("0.125%", 125, 3, "0.125%"),
        ("0.05", 5, 2, "0.05%"),
        ("0.0%", 0, 0, "0%"),
        ("150%", 150, 0, "150%"),
        ("007%", 7, 0, "7%"),
    ]

    @Test(arguments: validPercentages)
    func readsExactPercentages(text: String, significand: Int, decimalPlaces: Int, description: String) throws {
        let percentage = try Percentage(parsing: text)
        #expect(percentage.significand == significand)
        #expect(percentage.decimalPlaces == decimalPlaces)
        #expect(percentage.description == description)
    }

    static let invalidPercentages: [(String, String)] = [
        ("", "the percentage is empty"),
        ("-5%", "a percentage cannot be negative"),
        ("%5", "a percentage starts with a number"),
        ("five", "a percentage starts with a number"),
        ("5%%", "unexpected '%%' after the number"),
        ("5 percent", "unexpected 'percent' after the number"),
        ("1.%", "expected a digit after the decimal point"),
        ("99999999999999999999%", "the percentage has too many digits"),
    ]

    @Test(arguments: invalidPercentages)
    func refusesWhatIsNotANonNegativePercentage(text: String, problem: String) {
        #expect(throws: PercentageSyntaxError(text: text, problem: problem)) {
            try Percentage(parsing: text)
        }
    }

    @Test func equalValuesWrittenDifferentlyAreEqual() throws {
        #expect(try Percentage(parsing: "2.50%") == Percentage(parsing: "2.5"))
        #expect(try Percentage(parsing: "5%") == Percentage(percent: 5))
        #expect(try Percentage(parsing: "0.00%") == Percentage(percent: 0))
    }

    @Test func convertsToAFractionOfOneForRatios() throws {
        #expect(try Percentage(parsing: "5%").fractionOfOne == 0.05)
        #expect(try Percentage(parsing: "2.5%").fractionOfOne == 0.025)
    }

    @Test func errorMessageShowsTheAcceptedForms() {
        #expect(PercentageSyntaxError(text: "-5%", problem: "a percentage cannot be negative").description
            == "invalid percentage '-5%': a percentage cannot be negative."
            + " Write a non-negative number with an optional '%', as in 5%, 2.5% or 5.")
    }

    @Test func controlCharactersInTheTextAreEscapedInTheMessage() {
        #expect(PercentageSyntaxError(text: "5\t%", problem: "unexpected '\t%' after the number").description
            .hasPrefix(#"invalid percentage '5\t%': unexpected '\t%' after the number."#))
    }
}
