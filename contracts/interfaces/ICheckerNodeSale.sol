// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ICheckerNodeSale
/// @notice The CheckerNode licence sale: rising price tiers, an allowlist phase (Merkle proof of
///         `(address, allowance)`) then a public phase with a per-wallet cap, payment in ETH or a
///         stablecoin, referral codes (buyer discount + referrer rebate), proceeds held until the
///         sale is finalized, and full refunds if it is cancelled.
interface ICheckerNodeSale {
    enum Currency {
        ETH,
        STABLE
    }
    enum State {
        Active,
        Cancelled,
        Finalized
    }

    struct Tier {
        uint128 priceWei;
        uint128 priceStable;
        uint32 quantity;
    }

    /// @notice One buy: the contiguous licence ids `[firstTokenId, firstTokenId + quantity)`.
    struct Purchase {
        address buyer;
        uint32 quantity;
        Currency currency;
        bool refunded;
        uint128 paid;
    }

    error SaleInvalidConfig();
    error SaleNotActive(State state);
    error SalePhaseClosed(uint256 now_, uint256 allowlistStart, uint256 saleEnd);
    error SaleZeroQuantity();
    error SaleSoldOut(uint256 requested, uint256 remaining);
    error SaleAllowlistProofInvalid(address buyer, uint256 allowance);
    error SaleAllowanceExceeded(address buyer, uint256 requested, uint256 remaining);
    error SaleWalletCapExceeded(address buyer, uint256 requested, uint256 remaining);
    error SaleSlippage(uint256 total, uint256 maxTotalPrice);
    error SaleWrongPayment(uint256 expected, uint256 received);
    error SaleUnknownReferral(bytes32 code);
    error SaleSelfReferral(address buyer);
    error SaleReferralCodeTaken(bytes32 code, address referrer);
    error SaleNotRefundable(uint256 firstTokenId, address caller);
    error SaleNotFinalizable(uint256 now_, uint256 saleEnd);
    error SaleTransferFailed(address to, uint256 amount);

    event Purchased(
        address indexed buyer,
        uint256 indexed firstTokenId,
        uint256 quantity,
        Currency currency,
        uint256 total,
        bytes32 indexed referralCode
    );
    event ReferralCodeRegistered(bytes32 indexed code, address indexed referrer);
    event SaleCancelled();
    event SaleFinalized();
    event Refunded(address indexed buyer, uint256 indexed firstTokenId, Currency currency, uint256 amount);
    event RebateClaimed(address indexed referrer, uint256 amountWei, uint256 amountStable);
    event ProceedsWithdrawn(address indexed treasury, uint256 amountWei, uint256 amountStable);

    /// @notice The price of the next `quantity` licences, summed over the tiers they fall in.
    /// @return total what the buyer pays (gross - discount)
    /// @return gross the tier prices before the referral discount
    /// @return discount the buyer's referral discount (rounded down)
    /// @return rebate the referrer's rebate (rounded down), paid out of `total`
    function quote(
        uint256 quantity,
        Currency currency,
        bytes32 referralCode
    ) external view returns (uint256 total, uint256 gross, uint256 discount, uint256 rebate);

    /// @notice Buys `quantity` licences. `allowance` and `proof` only during the allowlist phase.
    /// @return firstTokenId the first licence id bought
    function buy(
        uint256 quantity,
        Currency currency,
        bytes32 referralCode,
        uint256 maxTotalPrice,
        uint256 allowance,
        bytes32[] calldata proof
    ) external payable returns (uint256 firstTokenId);

    /// @notice Registers `code` for the caller (first come, first served).
    function registerReferralCode(bytes32 code) external;

    /// @notice Cancels the sale: buyers may then `refund`. DEFAULT_ADMIN_ROLE.
    function cancel() external;

    /// @notice Ends the sale after `saleEnd` (or when sold out): proceeds and rebates become payable.
    function finalize() external;

    /// @notice After a cancellation: burns the caller's licences of these purchases and refunds them.
    function refund(uint256[] calldata firstTokenIds) external;

    /// @notice After finalization: pays the caller's referral rebates.
    function claimRebate() external;

    /// @notice After finalization: sends the proceeds (net of rebates) to the treasury.
    function withdrawProceeds() external;
}
