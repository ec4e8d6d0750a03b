// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IPriceOracle
/// @notice The adapter RentalEscrow reads the market token's price from.
interface IPriceOracle {
    /// @return price stablecoin base units per 1e18 base units (one whole token) of the market token
    /// @return updatedAt when that price was last updated
    function latestPrice() external view returns (uint256 price, uint256 updatedAt);
}
