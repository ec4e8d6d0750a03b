// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IPriceOracle} from "../interfaces/IPriceOracle.sol";

/// @title ManualPriceOracle
/// @notice An IPriceOracle fed by a relayer holding PRICE_SETTER_ROLE (the same model as the
///         Solana program's price authority). A market-feed adapter can replace it.
contract ManualPriceOracle is IPriceOracle, AccessControl {
    bytes32 public constant PRICE_SETTER_ROLE = keccak256("PRICE_SETTER_ROLE");

    error OracleInvalidPrice();

    event PriceSet(uint256 price, uint256 updatedAt);

    uint256 private _price;
    uint256 private _updatedAt;

    constructor(address admin, address setter) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PRICE_SETTER_ROLE, setter);
    }

    function setPrice(uint256 price) external onlyRole(PRICE_SETTER_ROLE) {
        if (price == 0) revert OracleInvalidPrice();
        _price = price;
        _updatedAt = block.timestamp;
        emit PriceSet(price, block.timestamp);
    }

    /// @inheritdoc IPriceOracle
    function latestPrice() external view returns (uint256, uint256) {
        return (_price, _updatedAt);
    }
}
