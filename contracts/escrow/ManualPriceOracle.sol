// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IManualPriceOracle, IPriceOracle} from "../interfaces/IPriceOracle.sol";
import {BpsMath} from "../utils/BpsMath.sol";

/// @title ManualPriceOracle
/// @notice See IManualPriceOracle. Fed by a relayer holding PRICE_SETTER_ROLE (the same model as the
///         Solana program's price authority). A market-feed adapter can replace it.
/// @dev The deviation bound stops one mistaken update (a decimals mix-up, a fat finger) from
///      repricing every token rental at once; it is not a rate limit against a compromised relayer,
///      who can step the price in several updates. Suppliers protect themselves from that with
///      their offer's `minTokenPrice`, customers with `maxAmount`.
contract ManualPriceOracle is IManualPriceOracle, AccessControl {
    bytes32 public constant PRICE_SETTER_ROLE = keccak256("PRICE_SETTER_ROLE");
    /// @inheritdoc IManualPriceOracle
    uint16 public constant MAX_DEVIATION_BPS = 5_000;

    /// @inheritdoc IManualPriceOracle
    uint16 public immutable maxDeviationBps;

    uint256 private _price;
    uint256 private _updatedAt;

    constructor(address admin, address setter, uint16 maxDeviationBps_) {
        if (maxDeviationBps_ == 0 || maxDeviationBps_ > MAX_DEVIATION_BPS) {
            revert OracleInvalidMaxDeviation(maxDeviationBps_, MAX_DEVIATION_BPS);
        }
        maxDeviationBps = maxDeviationBps_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PRICE_SETTER_ROLE, setter);
    }

    /// @inheritdoc IManualPriceOracle
    function setPrice(uint256 price) external onlyRole(PRICE_SETTER_ROLE) {
        if (price == 0) revert OracleInvalidPrice(price);
        uint256 previous = _price;
        if (previous != 0) {
            // the allowed move rounds down: a price exactly at the bound passes, nothing beyond
            uint256 allowed = BpsMath.mulBpsDown(previous, maxDeviationBps);
            uint256 move = price > previous ? price - previous : previous - price;
            if (move > allowed) {
                revert OraclePriceDeviationTooHigh(previous, price, maxDeviationBps);
            }
        }
        _price = price;
        _updatedAt = block.timestamp;
        emit PriceSet(price, block.timestamp);
    }

    /// @inheritdoc IPriceOracle
    function latestPrice() external view returns (uint256, uint256) {
        return (_price, _updatedAt);
    }
}
