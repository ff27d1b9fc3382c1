/// Developed and developing countries, for the co-chair rule of A/RES/79/325
/// (one co-chair from a developed and one from a developing country).
///
/// Source: United Nations, Department of Economic and Social Affairs,
/// *World Economic Situation and Prospects 2024*, Statistical Annex, Table A:
/// "developed economies" (the European Union members, the other European
/// developed economies, Canada, the United States, Japan, Australia and New
/// Zealand). Every other country counts as developing (economies in
/// transition included, as the resolution's two-way split requires).
public enum CountryClassification {
    public static let source = "UN DESA, World Economic Situation and Prospects 2024, Statistical Annex, Table A (developed economies)"

    public static let developed: Set<String> = [
        // European Union
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
        "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
        // Other Europe
        "IS", "NO", "CH", "GB",
        // North America
        "CA", "US",
        // Developed Asia and Pacific
        "JP", "AU", "NZ",
    ]

    public static func isDeveloped(_ country: String) -> Bool {
        developed.contains(country.uppercased())
    }
}
