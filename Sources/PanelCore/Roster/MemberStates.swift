/// How UN DESA's *World Economic Situation and Prospects 2024* (Statistical Annex,
/// Tables A to C) classifies an economy.
public enum DevelopmentStatus: String, CaseIterable, Codable, Sendable {
    case developed
    case transition = "in-transition"
    case developing
}

/// One of the 193 member states of the United Nations: its ISO 3166-1 alpha-2 code, its name
/// as the UN writes it, its regional group, and its development status.
public struct MemberState: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    public var group: RegionalGroup
    public var development: DevelopmentStatus

    /// Developing in the two-way split the resolution and the participation figures use
    /// (economies in transition are counted apart, and not as developed).
    public var isDeveloping: Bool { development == .developing }
}

/// The 193 UN member states as data. Regional groups as the UN's Department for General
/// Assembly and Conference Management lists them for electoral purposes (Türkiye and the
/// United States of America with the Western European and Others Group, Kiribati and Cyprus
/// with Asia-Pacific). Development status: `DevelopmentStatus.source`.
public enum MemberStates {
    public static let developmentSource = "UN DESA, World Economic Situation and Prospects 2024, Statistical Annex, Tables A-C (developed economies, economies in transition, developing economies)"

    /// Economies in transition (WESP 2024, Table B): South-Eastern Europe and the CIS with Georgia.
    static let transition: Set<String> = ["AL", "AM", "AZ", "BA", "BY", "GE", "KG", "KZ", "MD", "ME", "MK", "RS", "RU", "TJ", "TM", "UA", "UZ"
    ]

    public static let all: [MemberState] = [
        MemberState(code: "DZ", name: "Algeria", group: .african, development: .developing),
        MemberState(code: "AO", name: "Angola", group: .african, development: .developing),
        MemberState(code: "BJ", name: "Benin", group: .african, development: .developing),
        MemberState(code: "BW", name: "Botswana", group: .african, development: .developing),
        MemberState(code: "BF", name: "Burkina Faso", group: .african, development: .developing),
        MemberState(code: "BI", name: "Burundi", group: .african, development: .developing),
        MemberState(code: "CV", name: "Cabo Verde", group: .african, development: .developing),
        MemberState(code: "CM", name: "Cameroon", group: .african, development: .developing),
        MemberState(code: "CF", name: "Central African Republic", group: .african, development: .developing),
        MemberState(code: "TD", name: "Chad", group: .african, development: .developing),
        MemberState(code: "KM", name: "Comoros", group: .african, development: .developing),
        MemberState(code: "CG", name: "Congo", group: .african, development: .developing),
        MemberState(code: "CI", name: "Côte d'Ivoire", group: .african, development: .developing),
        MemberState(code: "CD", name: "Democratic Republic of the Congo", group: .african, development: .developing),
        MemberState(code: "DJ", name: "Djibouti", group: .african, development: .developing),
        MemberState(code: "EG", name: "Egypt", group: .african, development: .developing),
        MemberState(code: "GQ", name: "Equatorial Guinea", group: .african, development: .developing),
        MemberState(code: "ER", name: "Eritrea", group: .african, development: .developing),
        MemberState(code: "SZ", name: "Eswatini", group: .african, development: .developing),
        MemberState(code: "ET", name: "Ethiopia", group: .african, development: .developing),
        MemberState(code: "GA", name: "Gabon", group: .african, development: .developing),
        MemberState(code: "GM", name: "Gambia", group: .african, development: .developing),
        MemberState(code: "GH", name: "Ghana", group: .african, development: .developing),
        MemberState(code: "GN", name: "Guinea", group: .african, development: .developing),
        MemberState(code: "GW", name: "Guinea-Bissau", group: .african, development: .developing),
        MemberState(code: "KE", name: "Kenya", group: .african, development: .developing),
        MemberState(code: "LS", name: "Lesotho", group: .african, development: .developing),
        MemberState(code: "LR", name: "Liberia", group: .african, development: .developing),
        MemberState(code: "LY", name: "Libya", group: .african, development: .developing),
        MemberState(code: "MG", name: "Madagascar", group: .african, development: .developing),
        MemberState(code: "MW", name: "Malawi", group: .african, development: .developing),
        MemberState(code: "ML", name: "Mali", group: .african, development: .developing),
        MemberState(code: "MR", name: "Mauritania", group: .african, development: .developing),
        MemberState(code: "MU", name: "Mauritius", group: .african, development: .developing),
        MemberState(code: "MA", name: "Morocco", group: .african, development: .developing),
        MemberState(code: "MZ", name: "Mozambique", group: .african, development: .developing),
        MemberState(code: "NA", name: "Namibia", group: .african, development: .developing),
        MemberState(code: "NE", name: "Niger", group: .african, development: .developing),
        MemberState(code: "NG", name: "Nigeria", group: .african, development: .developing),
        MemberState(code: "RW", name: "Rwanda", group: .african, development: .developing),
        MemberState(code: "ST", name: "Sao Tome and Principe", group: .african, development: .developing),
        MemberState(code: "SN", name: "Senegal", group: .african, development: .developing),
        MemberState(code: "SC", name: "Seychelles", group: .african, development: .developing),
        MemberState(code: "SL", name: "Sierra Leone", group: .african, development: .developing),
        MemberState(code: "SO", name: "Somalia", group: .african, development: .developing),
        MemberState(code: "ZA", name: "South Africa", group: .african, development: .developing),
        MemberState(code: "SS", name: "South Sudan", group: .african, development: .developing),
        MemberState(code: "SD", name: "Sudan", group: .african, development: .developing),
        MemberState(code: "TG", name: "Togo", group: .african, development: .developing),
        MemberState(code: "TN", name: "Tunisia", group: .african, development: .developing),
        MemberState(code: "UG", name: "Uganda", group: .african, development: .developing),
        MemberState(code: "TZ", name: "United Republic of Tanzania", group: .african, development: .developing),
        MemberState(code: "ZM", name: "Zambia", group: .african, development: .developing),
        MemberState(code: "ZW", name: "Zimbabwe", group: .african, development: .developing),
        MemberState(code: "AF", name: "Afghanistan", group: .asiaPacific, development: .developing),
        MemberState(code: "BH", name: "Bahrain", group: .asiaPacific, development: .developing),
        MemberState(code: "BD", name: "Bangladesh", group: .asiaPacific, development: .developing),
        MemberState(code: "BT", name: "Bhutan", group: .asiaPacific, development: .developing),
        MemberState(code: "BN", name: "Brunei Darussalam", group: .asiaPacific, development: .developing),
        MemberState(code: "KH", name: "Cambodia", group: .asiaPacific, development: .developing),
        MemberState(code: "CN", name: "China", group: .asiaPacific, development: .developing),
        MemberState(code: "CY", name: "Cyprus", group: .asiaPacific, development: .developed),
        MemberState(code: "KP", name: "Democratic People's Republic of Korea", group: .asiaPacific, development: .developing),
        MemberState(code: "FJ", name: "Fiji", group: .asiaPacific, development: .developing),
        MemberState(code: "IN", name: "India", group: .asiaPacific, development: .developing),
        MemberState(code: "ID", name: "Indonesia", group: .asiaPacific, development: .developing),
        MemberState(code: "IR", name: "Iran (Islamic Republic of)", group: .asiaPacific, development: .developing),
        MemberState(code: "IQ", name: "Iraq", group: .asiaPacific, development: .developing),
        MemberState(code: "JP", name: "Japan", group: .asiaPacific, development: .developed),
        MemberState(code: "JO", name: "Jordan", group: .asiaPacific, development: .developing),
        MemberState(code: "KZ", name: "Kazakhstan", group: .asiaPacific, development: .transition),
        MemberState(code: "KI", name: "Kiribati", group: .asiaPacific, development: .developing),
        MemberState(code: "KW", name: "Kuwait", group: .asiaPacific, development: .developing),
        MemberState(code: "KG", name: "Kyrgyzstan", group: .asiaPacific, development: .transition),
        MemberState(code: "LA", name: "Lao People's Democratic Republic", group: .asiaPacific, development: .developing),
        MemberState(code: "LB", name: "Lebanon", group: .asiaPacific, development: .developing),
        MemberState(code: "MY", name: "Malaysia", group: .asiaPacific, development: .developing),
        MemberState(code: "MV", name: "Maldives", group: .asiaPacific, development: .developing),
        MemberState(code: "MH", name: "Marshall Islands", group: .asiaPacific, development: .developing),
        MemberState(code: "FM", name: "Micronesia (Federated States of)", group: .asiaPacific, development: .developing),
        MemberState(code: "MN", name: "Mongolia", group: .asiaPacific, development: .developing),
        MemberState(code: "MM", name: "Myanmar", group: .asiaPacific, development: .developing),
        MemberState(code: "NR", name: "Nauru", group: .asiaPacific, development: .developing),
        MemberState(code: "NP", name: "Nepal", group: .asiaPacific, development: .developing),
        MemberState(code: "OM", name: "Oman", group: .asiaPacific, development: .developing),
        MemberState(code: "PK", name: "Pakistan", group: .asiaPacific, development: .developing),
        MemberState(code: "PW", name: "Palau", group: .asiaPacific, development: .developing),
        MemberState(code: "PG", name: "Papua New Guinea", group: .asiaPacific, development: .developing),
        MemberState(code: "PH", name: "Philippines", group: .asiaPacific, development: .developing),
        MemberState(code: "QA", name: "Qatar", group: .asiaPacific, development: .developing),
        MemberState(code: "KR", name: "Republic of Korea", group: .asiaPacific, development: .developing),
        MemberState(code: "WS", name: "Samoa", group: .asiaPacific, development: .developing),
        MemberState(code: "SA", name: "Saudi Arabia", group: .asiaPacific, development: .developing),
        MemberState(code: "SG", name: "Singapore", group: .asiaPacific, development: .developing),
        MemberState(code: "SB", name: "Solomon Islands", group: .asiaPacific, development: .developing),
        MemberState(code: "LK", name: "Sri Lanka", group: .asiaPacific, development: .developing),
        MemberState(code: "SY", name: "Syrian Arab Republic", group: .asiaPacific, development: .developing),
        MemberState(code: "TJ", name: "Tajikistan", group: .asiaPacific, development: .transition),
        MemberState(code: "TH", name: "Thailand", group: .asiaPacific, development: .developing),
        MemberState(code: "TL", name: "Timor-Leste", group: .asiaPacific, development: .developing),
        MemberState(code: "TO", name: "Tonga", group: .asiaPacific, development: .developing),
        MemberState(code: "TM", name: "Turkmenistan", group: .asiaPacific, development: .transition),
        MemberState(code: "TV", name: "Tuvalu", group: .asiaPacific, development: .developing),
        MemberState(code: "AE", name: "United Arab Emirates", group: .asiaPacific, development: .developing),
        MemberState(code: "UZ", name: "Uzbekistan", group: .asiaPacific, development: .transition),
        MemberState(code: "VU", name: "Vanuatu", group: .asiaPacific, development: .developing),
        MemberState(code: "VN", name: "Viet Nam", group: .asiaPacific, development: .developing),
        MemberState(code: "YE", name: "Yemen", group: .asiaPacific, development: .developing),
        MemberState(code: "AL", name: "Albania", group: .easternEuropean, development: .transition),
        MemberState(code: "AM", name: "Armenia", group: .easternEuropean, development: .transition),
        MemberState(code: "AZ", name: "Azerbaijan", group: .easternEuropean, development: .transition),
        MemberState(code: "BY", name: "Belarus", group: .easternEuropean, development: .transition),
        MemberState(code: "BA", name: "Bosnia and Herzegovina", group: .easternEuropean, development: .transition),
        MemberState(code: "BG", name: "Bulgaria", group: .easternEuropean, development: .developed),
        MemberState(code: "HR", name: "Croatia", group: .easternEuropean, development: .developed),
        MemberState(code: "CZ", name: "Czechia", group: .easternEuropean, development: .developed),
        MemberState(code: "EE", name: "Estonia", group: .easternEuropean, development: .developed),
        MemberState(code: "GE", name: "Georgia", group: .easternEuropean, development: .transition),
        MemberState(code: "HU", name: "Hungary", group: .easternEuropean, development: .developed),
        MemberState(code: "LV", name: "Latvia", group: .easternEuropean, development: .developed),
        MemberState(code: "LT", name: "Lithuania", group: .easternEuropean, development: .developed),
        MemberState(code: "ME", name: "Montenegro", group: .easternEuropean, development: .transition),
        MemberState(code: "MK", name: "North Macedonia", group: .easternEuropean, development: .transition),
        MemberState(code: "PL", name: "Poland", group: .easternEuropean, development: .developed),
        MemberState(code: "MD", name: "Republic of Moldova", group: .easternEuropean, development: .transition),
        MemberState(code: "RO", name: "Romania", group: .easternEuropean, development: .developed),
        MemberState(code: "RU", name: "Russian Federation", group: .easternEuropean, development: .transition),
        MemberState(code: "RS", name: "Serbia", group: .easternEuropean, development: .transition),
        MemberState(code: "SK", name: "Slovakia", group: .easternEuropean, development: .developed),
        MemberState(code: "SI", name: "Slovenia", group: .easternEuropean, development: .developed),
        MemberState(code: "UA", name: "Ukraine", group: .easternEuropean, development: .transition),
        MemberState(code: "AG", name: "Antigua and Barbuda", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "AR", name: "Argentina", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "BS", name: "Bahamas", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "BB", name: "Barbados", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "BZ", name: "Belize", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "BO", name: "Bolivia (Plurinational State of)", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "BR", name: "Brazil", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "CL", name: "Chile", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "CO", name: "Colombia", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "CR", name: "Costa Rica", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "CU", name: "Cuba", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "DM", name: "Dominica", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "DO", name: "Dominican Republic", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "EC", name: "Ecuador", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "SV", name: "El Salvador", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "GD", name: "Grenada", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "GT", name: "Guatemala", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "GY", name: "Guyana", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "HT", name: "Haiti", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "HN", name: "Honduras", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "JM", name: "Jamaica", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "MX", name: "Mexico", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "NI", name: "Nicaragua", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "PA", name: "Panama", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "PY", name: "Paraguay", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "PE", name: "Peru", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "KN", name: "Saint Kitts and Nevis", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "LC", name: "Saint Lucia", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "VC", name: "Saint Vincent and the Grenadines", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "SR", name: "Suriname", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "TT", name: "Trinidad and Tobago", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "UY", name: "Uruguay", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "VE", name: "Venezuela (Bolivarian Republic of)", group: .latinAmericanAndCaribbean, development: .developing),
        MemberState(code: "AD", name: "Andorra", group: .westernEuropeanAndOthers, development: .developing),
        MemberState(code: "AU", name: "Australia", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "AT", name: "Austria", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "BE", name: "Belgium", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "CA", name: "Canada", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "DK", name: "Denmark", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "FI", name: "Finland", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "FR", name: "France", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "DE", name: "Germany", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "GR", name: "Greece", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "IS", name: "Iceland", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "IE", name: "Ireland", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "IL", name: "Israel", group: .westernEuropeanAndOthers, development: .developing),
        MemberState(code: "IT", name: "Italy", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "LI", name: "Liechtenstein", group: .westernEuropeanAndOthers, development: .developing),
        MemberState(code: "LU", name: "Luxembourg", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "MT", name: "Malta", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "MC", name: "Monaco", group: .westernEuropeanAndOthers, development: .developing),
        MemberState(code: "NL", name: "Netherlands (Kingdom of the)", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "NZ", name: "New Zealand", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "NO", name: "Norway", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "PT", name: "Portugal", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "SM", name: "San Marino", group: .westernEuropeanAndOthers, development: .developing),
        MemberState(code: "ES", name: "Spain", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "SE", name: "Sweden", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "CH", name: "Switzerland", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "TR", name: "Türkiye", group: .westernEuropeanAndOthers, development: .developing),
        MemberState(code: "GB", name: "United Kingdom of Great Britain and Northern Ireland", group: .westernEuropeanAndOthers, development: .developed),
        MemberState(code: "US", name: "United States of America", group: .westernEuropeanAndOthers, development: .developed),
    ]

    private static let byCode: [String: MemberState] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    /// The state with this ISO code (any case), or nil.
    public static func state(_ code: String) -> MemberState? { byCode[code.uppercased()] }

    /// Common names and codes people write instead of the alpha-2 code.
    static let aliases: [String: String] = [
        "uk": "GB", "gbr": "GB", "great britain": "GB", "britain": "GB", "united kingdom": "GB", "england": "GB",
        "usa": "US", "united states": "US", "america": "US", "turkey": "TR", "russia": "RU", "iran": "IR",
        "south korea": "KR", "korea": "KR", "north korea": "KP", "vietnam": "VN", "laos": "LA", "syria": "SY",
        "tanzania": "TZ", "moldova": "MD", "bolivia": "BO", "venezuela": "VE", "czech republic": "CZ",
        "ivory coast": "CI", "cape verde": "CV", "swaziland": "SZ", "netherlands": "NL", "micronesia": "FM",
    ]

    /// The code meant by a name, a common alias or an alpha-3 code, when it is unambiguous.
    static func meant(_ written: String) -> MemberState? {
        let lowered = written.trimmingCharacters(in: .whitespaces).lowercased()
        guard !lowered.isEmpty else { return nil }
        if let code = aliases[lowered] { return state(code) }
        if let exact = all.first(where: { $0.name.lowercased() == lowered }) { return exact }
        let prefixed = all.filter { $0.name.lowercased().hasPrefix(lowered + " (") || $0.name.lowercased().hasPrefix(lowered + ",") }
        if prefixed.count == 1 { return prefixed[0] }
        // An alpha-3 code (KEN, BRA): its first two letters are often the alpha-2 code, but not always; say so only when the name agrees.
        if lowered.count == 3, let candidate = state(String(lowered.prefix(2))), candidate.name.lowercased().hasPrefix(String(lowered.prefix(3))) {
            return candidate
        }
        return nil
    }

    /// Why a code is not a member state, with the code meant when the name, an alias or an alpha-3 code says which.
    public static func unknown(_ code: String) -> String {
        if let meant = meant(code) {
            return "'\(code)' is not an ISO 3166-1 alpha-2 code; \(meant.name) is \(meant.code)"
        }
        return "'\(code)' is not the ISO 3166-1 alpha-2 code of a UN member state (see: panel governments states)"
    }
}
