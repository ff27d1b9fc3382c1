/// Country names as reference formats spell them, to ISO 3166 alpha-2.
/// Unknown names are kept as written.
public enum CountryNames {
    static let codes: [String: String] = [
        "argentina": "AR", "australia": "AU", "austria": "AT", "bangladesh": "BD", "belgium": "BE",
        "brazil": "BR", "canada": "CA", "chile": "CL", "china": "CN", "colombia": "CO", "czechia": "CZ",
        "czech republic": "CZ", "denmark": "DK", "egypt": "EG", "england": "GB", "ethiopia": "ET",
        "finland": "FI", "france": "FR", "germany": "DE", "ghana": "GH", "greece": "GR", "india": "IN",
        "indonesia": "ID", "iran": "IR", "ireland": "IE", "israel": "IL", "italy": "IT", "japan": "JP",
        "jordan": "JO", "kenya": "KE", "korea": "KR", "republic of korea": "KR", "south korea": "KR",
        "mexico": "MX", "morocco": "MA", "netherlands": "NL", "new zealand": "NZ", "nigeria": "NG",
        "norway": "NO", "pakistan": "PK", "peru": "PE", "philippines": "PH", "poland": "PL",
        "portugal": "PT", "rwanda": "RW", "saudi arabia": "SA", "scotland": "GB", "senegal": "SN",
        "singapore": "SG", "south africa": "ZA", "spain": "ES", "sweden": "SE", "switzerland": "CH",
        "thailand": "TH", "tunisia": "TN", "turkey": "TR", "türkiye": "TR", "uganda": "UG",
        "ukraine": "UA", "united arab emirates": "AE", "united kingdom": "GB", "uk": "GB",
        "united states": "US", "united states of america": "US", "usa": "US", "uruguay": "UY",
        "viet nam": "VN", "vietnam": "VN", "wales": "GB", "zambia": "ZM", "zimbabwe": "ZW",
    ]

    public static func code(for name: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 2, trimmed.uppercased() == trimmed { return trimmed }
        return codes[trimmed.lowercased()] ?? trimmed
    }
}

import Foundation
