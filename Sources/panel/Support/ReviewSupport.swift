import ArgumentParser
import Foundation
import PanelCore

extension RegionalGroup: ExpressibleByArgument {}

extension Gender: ExpressibleByArgument {}

extension VoteChoice: ExpressibleByArgument {}

extension ResponseKind: ExpressibleByArgument {}

extension Audience: ExpressibleByArgument {}
