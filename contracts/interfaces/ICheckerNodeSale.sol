// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ICheckerNodeSale
/// @notice The CheckerNode licence sale: rising price tiers, an allowlist phase (Merkle proof of
///         `(address, allowance)`) then a public phase with a per-wallet cap, payment in ETH or a
///         stablecoin, referral codes (buyer discount + referrer rebate), proceeds held until the
///         sale is finalized, and full refunds, licence by licence, if it is cancelled.
///
///         Referral rule: codes are assigned by the referral manager (`REFERRAL_ROLE`), never
///         self-registered, so a buyer cannot give a second wallet of his a code (self-referral)
///         and nobody can take a code before its owner (squatting). A code, once assigned, is bound
///         to its referrer for good (not even the manager can move it). A buyer may not use a code
///         that pays himself. A rebate accrues to the referrer's address, per currency, and is paid
///         only once the sale is finalized, to an address the referrer names (a referrer contract
///         that rejects ETH names another); in a cancelled sale no rebate is ever paid.
///
///         Proceeds go to the immutable treasury: anyone may push them there (`withdrawProceeds`),
///         and the treasury itself may have them paid to another address (`withdrawProceedsTo`),
///         so a treasury that rejects ETH can still collect its ETH.
///
///         Refund rule: each licence of a purchase is worth an equal share of what the purchase
///         paid (`paid * (i + 1) / quantity - paid * i / quantity` for its index `i` in the
///         purchase, so the shares of a purchase add up to `paid` exactly). Whoever holds a licence
///         when the sale is cancelled burns it and receives its share, in the purchase's currency:
///         a licence sold on only takes its own refund with it.
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
    ///         One storage slot.
    struct Purchase {
        uint128 paid;
        uint32 quantity;
        Currency currency;
    }

    error SaleInvalidConfig();
    error SaleNotActive(State state);
    error SalePhaseClosed(uint256 now_, uint256 allowlistStart, uint256 saleEnd);
    error SaleZeroQuantity();
    /// @notice One purchase is at most `max` (MAX_PURCHASE) licences, so that it can always be
    ///         refunded in one transaction.
    error SalePurchaseTooLarge(uint256 quantity, uint256 max);
    error SaleSoldOut(uint256 requested, uint256 remaining);
    error SaleAllowlistProofInvalid(address buyer, uint256 allowance);
    error SaleAllowanceExceeded(address buyer, uint256 requested, uint256 remaining);
    error SaleWalletCapExceeded(address buyer, uint256 requested, uint256 remaining);
    error SaleSlippage(uint256 total, uint256 maxTotalPrice);
    error SaleWrongPayment(uint256 expected, uint256 received);
    error SaleUnknownReferral(bytes32 code);
    error SaleSelfReferral(address buyer);
    /// @notice The code is zero or already bound to `referrer`.
    error SaleReferralCodeTaken(bytes32 code, address referrer);
    error SaleInvalidReferrer(address referrer);
    /// @notice `tokenId` is not a licence of the purchase starting at `firstTokenId`.
    error SaleTokenNotInPurchase(uint256 firstTokenId, uint256 tokenId);
    error SaleNotFinalizable(uint256 now_, uint256 saleEnd);
    /// @notice The sale can no longer sell (ended or sold out): it can only be finalized.
    error SaleNotCancellable(uint256 now_, uint256 saleEnd, uint256 remaining);
    error SaleTransferFailed(address to, uint256 amount);
    /// @notice A payout to the zero address.
    error SaleInvalidReceiver(address receiver);
    /// @notice Only the treasury may choose where its proceeds go.
    error SaleNotTreasury(address caller);
    /// @notice The licence minted `minted` where the purchase recorded `expected` (licence ids are
    ///         sequential, and only the sale mints).
    error SaleUnexpectedLicenceId(uint256 expected, uint256 minted);

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
    /// @notice `holder` burned `quantity` licences of the purchase `firstTokenId` for `amount`.
    event Refunded(
        address indexed holder,
        uint256 indexed firstTokenId,
        uint256 quantity,
        Currency currency,
        uint256 amount
    );
    /// @notice `referrer`'s rebate in `currency` was paid to `to`.
    event RebateClaimed(address indexed referrer, address indexed to, Currency currency, uint256 amount);
    /// @notice The proceeds in `currency` were paid to `to` (the treasury, or where it named).
    event ProceedsWithdrawn(address indexed to, Currency currency, uint256 amount);

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

    /// @notice Buys `quantity` (at most MAX_PURCHASE) licences. `allowance` and `proof` only
    ///         during the allowlist phase. The purchase is recorded before the licences are minted,
    ///         so a contract buyer's `onERC721Received` already finds it (`purchaseOf`).
    /// @return firstTokenId the first licence id bought
    function buy(
        uint256 quantity,
        Currency currency,
        bytes32 referralCode,
        uint256 maxTotalPrice,
        uint256 allowance,
        bytes32[] calldata proof
    ) external payable returns (uint256 firstTokenId);

    /// @notice Binds `code` to `referrer`, for good. REFERRAL_ROLE (the referral manager).
    function registerReferralCode(bytes32 code, address referrer) external;

    /// @notice Cancels the sale: holders may then `refund`. DEFAULT_ADMIN_ROLE; only while the sale
    ///         can still sell (before `saleEnd` and not sold out).
    function cancel() external;

    /// @notice Ends the sale after `saleEnd` (or when sold out): proceeds and rebates become payable.
    function finalize() external;

    /// @notice After a cancellation: burns the caller's licences `tokenIds` of the purchase starting
    ///         at `firstTokenId` (see `purchaseOf`) and pays the caller their shares of its price.
    function refund(uint256 firstTokenId, uint256[] calldata tokenIds) external;

    /// @notice The first licence id of the purchase `tokenId` was sold in (0 if not sold). For
    ///         clients building `refund` calls; scans at most MAX_PURCHASE ids.
    function purchaseOf(uint256 tokenId) external view returns (uint256 firstTokenId);

    /// @notice After finalization: pays the caller's referral rebate in `currency` to `to` (not
    ///         zero; the caller itself, or another address if it cannot take the currency).
    function claimRebate(Currency currency, address to) external;

    /// @notice After finalization: sends the proceeds in `currency` (net of rebates) to the treasury.
    ///         Anyone may call.
    function withdrawProceeds(Currency currency) external;

    /// @notice After finalization: sends the proceeds in `currency` (net of rebates) to `to` (not
    ///         zero). Only the treasury: one that rejects ETH collects its ETH elsewhere.
    function withdrawProceedsTo(Currency currency, address to) external;
}
