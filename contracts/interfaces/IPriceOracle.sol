// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IPriceOracle
/// @notice The adapter RentalEscrow reads the market token's price from.
interface IPriceOracle {
    /// @return price stablecoin base units per 1e18 base units (one whole token) of the market token
    /// @return updatedAt when that price was last updated
    function latestPrice() external view returns (uint256 price, uint256 updatedAt);
}

/// @title IManualPriceOracle
/// @notice An IPriceOracle fed by a relayer, with guard rails on what one update may do.
interface IManualPriceOracle is IPriceOracle {
    /// @notice A price of zero.
    error OracleInvalidPrice(uint256 price);
    /// @notice `price` moves more than `maxDeviationBps` away from `previous` in one update.
    error OraclePriceDeviationTooHigh(uint256 previous, uint256 price, uint256 maxDeviationBps);
    /// @notice The per-update deviation bound is 0 or above `MAX_DEVIATION_BPS`.
    error OracleInvalidMaxDeviation(uint256 maxDeviationBps, uint256 limit);

    event PriceSet(uint256 price, uint256 updatedAt);

    /// @notice Highest per-update deviation the oracle can be deployed with: 5_000 bps (50 %).
    function MAX_DEVIATION_BPS() external view returns (uint16);

    /// @notice How far, in bps of the current price, one update may move it (either way).
    function maxDeviationBps() external view returns (uint16);

    /// @notice PRICE_SETTER_ROLE posts the price: non-zero, and (after the first) within
    ///         `maxDeviationBps` of the current one, rounded against the move.
    function setPrice(uint256 price) external;
}
